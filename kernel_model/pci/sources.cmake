# kernel_model/pci: the PCI host (enumeration, IOPCIDevice nubs and calls) and the kernel half of
# IOInterruptDispatchSource. Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_PCI_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/pci_configurator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/interrupt_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pci_host.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pci_calls.cpp
)
set(DEXTLAB_PCI_TEST_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/pci_configurator_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/interrupt_model_test.cpp
)
