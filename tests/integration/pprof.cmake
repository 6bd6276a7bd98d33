# pprof: real Go profiles from the shared corpus against what `go tool pprof`
# printed for them (the oracles next to each profile), plus the shell suites
# tests/integration/pprof_*.sh (bad input, writer round trip with the Go
# toolchain, the go-ping server, gperftools).
set(FK_PPROF_CORPUS ${FK_CORPUS}/pprof)
foreach(run go-unbuffered go-buffered)
  # Folded stacks of the CPU profile, sample index 0, inlined frames expanded.
  fk_expect_output(pprof_collapse_${run} ${FK_PPROF_CORPUS}/${run}/cpu.folded-inline.txt
    collapse -q --sample-index=samples ${FK_PPROF_CORPUS}/${run}/cpu.pb.gz)
  fk_expect_output(pprof_collapse_pprof_dash_${run} ${FK_PPROF_CORPUS}/${run}/cpu.folded-inline.txt
    collapse -q -sample_index=0 ${FK_PPROF_CORPUS}/${run}/cpu.pb.gz)
  foreach(kind cpu heap allocs goroutine block mutex threadcreate)
    set(pb ${FK_PPROF_CORPUS}/${run}/${kind}.pb.gz)
    fk_expect_output(pprof_top50_${run}_${kind} ${FK_PPROF_CORPUS}/${run}/${kind}.top50.txt
      top -nodecount=50 ${pb})
    fk_expect_output(pprof_topcum_${run}_${kind} ${FK_PPROF_CORPUS}/${run}/${kind}.topcum.txt
      top --cum ${pb})
    # The report prints the profile's time in local time; the oracles are UTC.
    set_tests_properties(pprof_top50_${run}_${kind} pprof_topcum_${run}_${kind}
      PROPERTIES ENVIRONMENT "TZ=UTC")
  endforeach()
endforeach()

file(GLOB FK_PPROF_SHELL_SUITES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/pprof_*.sh)
foreach(script ${FK_PPROF_SHELL_SUITES})
  get_filename_component(name ${script} NAME_WE)
  fk_shell_test(${name} ${script})
  set_tests_properties(${name} PROPERTIES TIMEOUT 600)
endforeach()
