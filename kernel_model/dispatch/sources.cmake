# kernel_model/dispatch: the kernel's end of dext queues and dispatch sources (queue reports,
# the data-queue observer, the router to kernel_model/timers). Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_DISPATCH_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/dispatch_calls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/data_queue_observer.cpp
)
set(DEXTLAB_DISPATCH_TEST_SOURCES ${CMAKE_CURRENT_LIST_DIR}/data_queue_observer_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/queue_work_test.cpp)
