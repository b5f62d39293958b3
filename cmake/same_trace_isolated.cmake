# Runs SCENARIO in-process and with --isolate and fails unless the two text traces are the same
# apart from the transport each launch names: whatever crosses the process boundary (messages,
# shared memory, the leak census's creation sites the dext's own process symbolizes) must not
# change what happens. cmake -DDEXTLAB=... -DSCENARIO=... -DOUT=... -P this
foreach(mode in-process isolated)
  set(args run --quiet --trace-text ${OUT}/${mode}.txt ${SCENARIO})
  if(mode STREQUAL "isolated")
    list(INSERT args 1 --isolate)
  endif()
  execute_process(COMMAND ${DEXTLAB} ${args} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "dextlab ${args} failed (${status})")
  endif()
  file(READ ${OUT}/${mode}.txt ${mode})
endforeach()
string(REPLACE "transport=isolated" "transport=in-process" isolated "${isolated}")
if(NOT in-process STREQUAL isolated)
  message(FATAL_ERROR "the traces of ${SCENARIO} differ between in-process and isolated runs: diff ${OUT}/in-process.txt ${OUT}/isolated.txt")
endif()
message(STATUS "same trace in both transports")
