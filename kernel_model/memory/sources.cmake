# kernel_model/memory: the kernel's end of dext memory (buffers with guard zones, sub-descriptors,
# mappings, the memory of USB transfers). Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_MEMORY_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/memory_calls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/guard_zone.cpp
  ${CMAKE_CURRENT_LIST_DIR}/device_ownership.cpp
)
set(DEXTLAB_MEMORY_TEST_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/guard_zone_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/device_ownership_test.cpp
)
