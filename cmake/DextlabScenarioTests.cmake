# dextlab_add_scenario_tests(): every scenario file of a folder becomes a ctest test run by the
# dextlab CLI (`scenario:<prefix><file name>`).
#
#   dextlab_add_scenario_tests(
#       [DIRECTORY dir]                  default: this folder's scenarios/
#       [PREFIX text]                    prepended to each test's name
#       [SAME_IN_BOTH_TRANSPORTS file...])  these scenarios also run in-process and with --isolate,
#                                        and their traces must match but for `transport=`
#                                        (cmake/same_trace_isolated.cmake)

include_guard(GLOBAL)

function(dextlab_add_scenario_tests)
  cmake_parse_arguments(ARG "" "DIRECTORY;PREFIX" "SAME_IN_BOTH_TRANSPORTS" ${ARGN})
  if(NOT ARG_DIRECTORY)
    set(ARG_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/scenarios)
  endif()
  file(GLOB files CONFIGURE_DEPENDS ${ARG_DIRECTORY}/*.yaml)
  foreach(file ${files})
    get_filename_component(name ${file} NAME_WE)
    add_test(NAME scenario:${ARG_PREFIX}${name} COMMAND dextlab run --quiet ${file})
  endforeach()
  foreach(name ${ARG_SAME_IN_BOTH_TRANSPORTS})
    add_test(NAME scenario:${ARG_PREFIX}${name}_same_in_both_transports
      COMMAND ${CMAKE_COMMAND} -DDEXTLAB=$<TARGET_FILE:dextlab> -DSCENARIO=${ARG_DIRECTORY}/${name}.yaml
        -DOUT=${CMAKE_CURRENT_BINARY_DIR}/${name} -P ${PROJECT_SOURCE_DIR}/cmake/same_trace_isolated.cmake)
  endforeach()
endfunction()
