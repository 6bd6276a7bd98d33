# torch: `flamekit torch` on pprof files (torch_cli.sh), against live Go
# net/http/pprof servers on 127.0.0.1 (torch_goping.sh), and every failure
# a user meets (torch_errors.sh). torch_common.sh is their shared helper.
foreach(name torch_cli torch_goping torch_errors)
  fk_shell_test(${name} ${CMAKE_CURRENT_LIST_DIR}/${name}.sh)
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endforeach()
