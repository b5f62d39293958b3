# kernel_model/hid: the HID family's kernel side (AppleUserHIDDevice, IOHIDInterface nubs, the
# report-descriptor parser, reports to and from a dext). Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_HID_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/report_descriptor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hid_devices.cpp
)
set(DEXTLAB_HID_TEST_SOURCES ${CMAKE_CURRENT_LIST_DIR}/report_descriptor_test.cpp)
