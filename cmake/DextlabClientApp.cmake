# dextlab_add_client_app(): builds a Mac client app (C or C++ that talks to a dext through
# IOKitLib) against the lab's IOKit and CoreFoundation (dexts/sdk/app).
#
#   dextlab_add_client_app(NAME
#       SOURCES file...            the app's C/C++ sources
#       COMPILE_OPTIONS opt...     the app's own flags (-Wall -Werror ...); they apply to its code
#                                  only: the IOKit/CoreFoundation/mach headers are system headers
#       COMPILE_DEFINITIONS d...   INCLUDE_DIRECTORIES dir...   LIBS lib...
#       C_STANDARD 99|11|17        default 11     CXX_STANDARD 17|20   default 17
#                                  (GNU dialects, as Xcode's defaults)
#       OUTPUT_DIRECTORY d         default ${CMAKE_BINARY_DIR}/apps
#       NO_LAB)                    do not link the embedded lab: IOKit calls then reach only a
#                                  port attached with dextlab::ipc::set_app_port
#
# By default the app links the embedded lab (dextlab_app_lab, sim/lab/app_lab.cpp) as object
# files, so IOKitLib's weak reference to dextlab_default_app_port() finds it; the lab is linked
# once the whole tree is configured, so this works from directories added before sim/lab.

include_guard(GLOBAL)

function(dextlab_add_client_app name)
  cmake_parse_arguments(ARG "NO_LAB" "C_STANDARD;CXX_STANDARD;OUTPUT_DIRECTORY"
    "SOURCES;COMPILE_OPTIONS;COMPILE_DEFINITIONS;INCLUDE_DIRECTORIES;LIBS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "dextlab_add_client_app(${name}): no SOURCES")
  endif()
  if(NOT ARG_C_STANDARD)
    set(ARG_C_STANDARD 11)
  endif()
  if(NOT ARG_CXX_STANDARD)
    set(ARG_CXX_STANDARD 17)
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/apps)
  endif()

  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE dextlab_iokit ${ARG_LIBS})
  target_compile_options(${name} PRIVATE ${ARG_COMPILE_OPTIONS})
  target_compile_definitions(${name} PRIVATE ${ARG_COMPILE_DEFINITIONS})
  target_include_directories(${name} PRIVATE ${ARG_INCLUDE_DIRECTORIES})
  set_target_properties(${name} PROPERTIES
    C_STANDARD ${ARG_C_STANDARD} C_EXTENSIONS ON
    CXX_STANDARD ${ARG_CXX_STANDARD} CXX_EXTENSIONS ON
    RUNTIME_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  if(NOT ARG_NO_LAB)
    # A deferred call reads its arguments when it runs: EVAL puts the name in as text now.
    cmake_language(EVAL CODE "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL _dextlab_link_app_lab [[${name}]])")
  endif()
endfunction()

function(_dextlab_link_app_lab name)
  if(TARGET dextlab_app_lab)
    target_link_libraries(${name} PRIVATE dextlab_app_lab)
  else()
    message(WARNING "dextlab_add_client_app(${name}): there is no dextlab_app_lab target; the app is built "
      "without a lab and its IOKit calls will fail (kIOReturnNotReady)")
  endif()
endfunction()
