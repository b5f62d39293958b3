# kernel_model/properties: IOService's property calls from a dext (Copy/Search/Set/Remove,
# CopyProviderProperties) and the IOUserServiceProperties model. Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_PROPERTIES_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/property_calls.cpp
  ${CMAKE_CURRENT_LIST_DIR}/user_properties.cpp
)
set(DEXTLAB_PROPERTIES_TEST_SOURCES ${CMAKE_CURRENT_LIST_DIR}/user_properties_test.cpp)
