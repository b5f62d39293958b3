# kernel_model/matching: passive matching (generic keys, USB and HID family rules), the
# catalogue index and `match --explain`. Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_MATCHING_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/matching.cpp
  ${CMAKE_CURRENT_LIST_DIR}/usb_matching.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hid_matching.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pci_matching.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalogue.cpp
  ${CMAKE_CURRENT_LIST_DIR}/explain.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kernel_explain.cpp
)
set(DEXTLAB_MATCHING_TEST_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/matching_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hid_matching_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pci_matching_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/parent_match_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/catalogue_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/explain_test.cpp
)
