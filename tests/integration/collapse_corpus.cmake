# Every real perf capture in the shared corpus, with every option the
# expected outputs were made with: our output must be byte-identical.
# results-current/ supersedes results/ where it has a file (see its README).
file(GLOB FK_PERF_CAPTURES ${FK_CORPUS}/perf/perf-*.txt)
foreach(capture ${FK_PERF_CAPTURES})
  get_filename_component(base ${capture} NAME_WE)
  foreach(opt pid tid kernel jit all addrs)
    set(expected ${FK_CORPUS}/perf/results-current/${base}-collapsed-${opt}.txt)
    if(NOT EXISTS ${expected})
      set(expected ${FK_CORPUS}/perf/results/${base}-collapsed-${opt}.txt)
    endif()
    fk_expect_output(collapse_corpus_${base}_${opt} ${expected} collapse -q --${opt} ${capture})
  endforeach()
endforeach()
