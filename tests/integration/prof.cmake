# libflamekit-prof: its test programs, unit tests and integration tests live
# in tests/prof (all labelled "prof", which the TSan pass runs).
if(TARGET flamekit-prof)
  add_subdirectory(${CMAKE_SOURCE_DIR}/tests/prof ${CMAKE_BINARY_DIR}/tests/prof)
endif()
