# kernel_model/timers: IOTimerDispatchSource's kernel half. Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_TIMERS_SOURCES ${CMAKE_CURRENT_LIST_DIR}/timer_model.cpp)
set(DEXTLAB_TIMERS_TEST_SOURCES ${CMAKE_CURRENT_LIST_DIR}/timer_model_test.cpp)
