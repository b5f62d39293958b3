# dextlab_add_dext(NAME
#     IIG file.iig...            DriverKit interface files (run through dextlab-iig)
#     SOURCES file.cpp...        the dext's C++ sources (explicit: a folder may hold others)
#     PLIST Info.plist           the dext's Info.plist (Xcode's $(VARIABLES) are expanded)
#     ENTITLEMENTS file          the dext's entitlements plist (optional)
#     BUNDLE_IDENTIFIER id       defaults to com.example.NAME)
# Builds ${CMAKE_BINARY_DIR}/dexts/NAME.dext/ holding Info.plist, the shared object NAME and
# NAME.entitlements — the layout the lab loads.
function(dextlab_add_dext NAME)
  cmake_parse_arguments(ARG "" "PLIST;ENTITLEMENTS;BUNDLE_IDENTIFIER" "IIG;SOURCES" ${ARGN})
  if(NOT ARG_PLIST)
    message(FATAL_ERROR "dextlab_add_dext(${NAME}): PLIST is required")
  endif()
  if(NOT ARG_BUNDLE_IDENTIFIER)
    set(ARG_BUNDLE_IDENTIFIER "com.example.${NAME}")
  endif()
  set(bundle_dir ${CMAKE_BINARY_DIR}/dexts/${NAME}.dext)
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${NAME}_iig)

  set(generated)
  foreach(iig ${ARG_IIG})
    get_filename_component(iig_abs ${iig} ABSOLUTE)
    get_filename_component(base ${iig} NAME_WE)
    add_custom_command(
      OUTPUT ${gen_dir}/${base}.h ${gen_dir}/${base}.iig.cpp
      COMMAND dextlab-iig --input ${iig_abs} --header ${gen_dir}/${base}.h --impl ${gen_dir}/${base}.iig.cpp
              -I ${DEXTLAB_SDK_INTERFACES}
      DEPENDS dextlab-iig ${iig_abs}
      COMMENT "dextlab-iig ${iig}"
      VERBATIM)
    list(APPEND generated ${gen_dir}/${base}.iig.cpp)
  endforeach()

  add_library(${NAME} MODULE ${ARG_SOURCES} ${generated})
  target_include_directories(${NAME} PRIVATE ${gen_dir} ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${NAME} PRIVATE dextlab_driverkit)
  target_compile_definitions(${NAME} PRIVATE $<$<CONFIG:Debug>:DEBUG=1>)
  set_target_properties(${NAME} PROPERTIES
    PREFIX "" SUFFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${bundle_dir}
    BUILD_RPATH "$<TARGET_FILE_DIR:dextlab_driverkit>")

  # Info.plist as Xcode leaves it: expand the build-setting variables it uses.
  file(READ ${ARG_PLIST} plist_text)
  foreach(pair
      "PRODUCT_BUNDLE_IDENTIFIER=${ARG_BUNDLE_IDENTIFIER}" "EXECUTABLE_NAME=${NAME}" "PRODUCT_NAME=${NAME}"
      "PRODUCT_BUNDLE_PACKAGE_TYPE=DEXT" "DEVELOPMENT_LANGUAGE=en" "MARKETING_VERSION=1.0"
      "CURRENT_PROJECT_VERSION=1" "MACOSX_DEPLOYMENT_TARGET=10.15")
    string(REPLACE "=" ";" kv "${pair}")
    list(GET kv 0 key)
    list(GET kv 1 value)
    string(REPLACE "$(${key})" "${value}" plist_text "${plist_text}")
    string(REPLACE "\${${key}}" "${value}" plist_text "${plist_text}")
  endforeach()
  file(GENERATE OUTPUT ${bundle_dir}/Info.plist CONTENT "${plist_text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${ARG_PLIST})
  if(ARG_ENTITLEMENTS)
    configure_file(${ARG_ENTITLEMENTS} ${bundle_dir}/${NAME}.entitlements COPYONLY)
  endif()
  set_property(GLOBAL APPEND PROPERTY DEXTLAB_DEXTS ${NAME})
endfunction()
