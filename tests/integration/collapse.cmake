# flamekit collapse from the command line: inputs, folded rules, hostile
# input, exit codes, output files.
fk_shell_test(collapse_cli ${FK_INTEGRATION_DIR}/collapse_cli.sh)
