# kernel_model/bundle: property lists (libplist) and dext bundles on disk. Included by
# kernel_model/CMakeLists.txt; the library that takes these sources needs libplist-2.0
# (pkg_check_modules(LIBPLIST REQUIRED IMPORTED_TARGET libplist-2.0)).
set(DEXTLAB_BUNDLE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/plist_xml_scan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plist_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bundle_checks.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dext_bundle.cpp
)
set(DEXTLAB_BUNDLE_TEST_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/plist_reader_test.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dext_bundle_test.cpp
)
