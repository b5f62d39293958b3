# kernel_model/entitlements: the entitlement rules (data), the pure check, and the kernel's gate
# at start. Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_ENTITLEMENTS_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/entitlements.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kernel_gate.cpp
)
set(DEXTLAB_ENTITLEMENTS_TEST_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/entitlements_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kernel_gate_test.cpp
)
