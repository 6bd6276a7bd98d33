# flamekit svg: layout against flamegraph.pl's on corpus data, golden SVGs,
# well-formed output for hostile names, errors and options.
fk_shell_test(svg_layout ${FK_INTEGRATION_DIR}/svg_layout.sh)
fk_shell_test(svg_cli ${FK_INTEGRATION_DIR}/svg_cli.sh)
