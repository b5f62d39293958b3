# kernel_model/usb_host: the USB host controller (enumeration, configurations and the composite
# driver, IOUSBHostDevice / IOUSBHostInterface / IOUSBHostPipe calls). Included by
# kernel_model/CMakeLists.txt.
set(DEXTLAB_USB_HOST_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/usb_host.cpp
  ${CMAKE_CURRENT_LIST_DIR}/usb_configuration.cpp
  ${CMAKE_CURRENT_LIST_DIR}/usb_device_calls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/configuration_layout.cpp
)
set(DEXTLAB_USB_HOST_TEST_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/configuration_layout_test.cpp
)
