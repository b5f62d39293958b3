# kernel_model/user_client: IOService::Create, IOServiceOpen and the calls of an app's
# connection to a dext's IOUserClient. Included by kernel_model/CMakeLists.txt.
set(DEXTLAB_USER_CLIENT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/user_clients.cpp
  ${CMAKE_CURRENT_LIST_DIR}/user_client_access.cpp
)
set(DEXTLAB_USER_CLIENT_TEST_SOURCES ${CMAKE_CURRENT_LIST_DIR}/user_client_access_test.cpp)
