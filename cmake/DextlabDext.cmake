# dextlab_add_dext(): builds a dext from the files a Mac developer keeps in an Xcode project.
#
#   dextlab_add_dext(NAME
#       IIG file.iig...            DriverKit interface files (run through dextlab-iig)
#       SOURCES file.cpp...        the dext's C/C++ sources, listed: a dext folder often holds
#                                  files that are not part of the target
#       PLIST Info.plist           as Xcode leaves it ($(VARIABLES), comments, hex integers, no
#                                  CFBundle keys at all); Info.plist.in is run through
#                                  configure_file(@ONLY) first
#       ENTITLEMENTS file          the .entitlements plist, a path (optional)
#       BUNDLE_IDENTIFIER id       $(PRODUCT_BUNDLE_IDENTIFIER); default com.example.NAME
#       PRODUCT_NAME name          $(PRODUCT_NAME); default NAME
#       VERSION v                  $(CURRENT_PROJECT_VERSION), CFBundleVersion; default 1
#       SHORT_VERSION v            $(MARKETING_VERSION), CFBundleShortVersionString; default 1.0
#       TARGET t                   the CMake target's name, when it must differ from NAME
#       OUTPUT_DIRECTORY d         where NAME.dext/ goes; default ${CMAKE_BINARY_DIR}/dexts
#       PLIST_VARIABLES K=V...     more Xcode build settings the plist or entitlements use
#       COMPILE_OPTIONS opt...     the dext's own flags (-Wall -Wextra -Werror ...); they apply to
#                                  its code only: the SDK headers are system headers
#       COMPILE_DEFINITIONS d...   INCLUDE_DIRECTORIES dir...   CXX_STANDARD 17|20 (default 20)
#       REQUIRES_BLOCKS)           the dext uses clang blocks: with a compiler without them it is
#                                  skipped (a status line says so) instead of failing the build
#
# Builds ${CMAKE_BINARY_DIR}/dexts/NAME.dext/{Info.plist, NAME, NAME.entitlements}, the layout
# the lab loads. Sets DEXTLAB_DEXT_BUILT to TRUE or FALSE in the caller's scope.
#
# Toolchain: dexts are written for Apple's clang (blocks, _Atomic and __c11_atomic_* in C++,
# C99 array designators). Built with clang, a dext gets -fblocks and links Debian's
# libBlocksRuntime through the dextlab_dext_sdk target (dexts/sdk/CMakeLists.txt); with g++ the
# block-taking SDK APIs are absent. The C++ dialect is gnu++ like Xcode's default. -Wno-c99-designator
# is a lab default: clang (Apple's too) warns on `[kSelector] = {...}` in C++, and a dext copied
# with its -Werror should not fail on a construct its author relies on.

include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/DextlabScenarioTests.cmake)

# ---- Xcode-style Info.plist processing (also usable from `cmake -P` scripts) ----

# The Xcode build settings a dext's plists may use, as NAME=VALUE, from the function's arguments.
function(dextlab_default_plist_variables out)
  cmake_parse_arguments(ARG "" "NAME;BUNDLE_IDENTIFIER;PRODUCT_NAME;VERSION;SHORT_VERSION" "" ${ARGN})
  string(MAKE_C_IDENTIFIER "${ARG_PRODUCT_NAME}" module_name)
  set(${out}
    "PRODUCT_BUNDLE_IDENTIFIER=${ARG_BUNDLE_IDENTIFIER}"
    "EXECUTABLE_NAME=${ARG_NAME}"
    "PRODUCT_NAME=${ARG_PRODUCT_NAME}"
    "TARGET_NAME=${ARG_NAME}"
    "PRODUCT_MODULE_NAME=${module_name}"
    "PRODUCT_BUNDLE_PACKAGE_TYPE=DEXT"
    "DEVELOPMENT_LANGUAGE=en"
    "MARKETING_VERSION=${ARG_SHORT_VERSION}"
    "CURRENT_PROJECT_VERSION=${ARG_VERSION}"
    "MACOSX_DEPLOYMENT_TARGET=10.15"
    "DRIVERKIT_DEPLOYMENT_TARGET=19.0"
    PARENT_SCOPE)
endfunction()

# Applies Xcode's build-setting modifiers ($(PRODUCT_NAME:rfc1034identifier) and friends).
function(_dextlab_apply_modifier value modifier out)
  if(modifier STREQUAL "rfc1034identifier")
    string(REGEX REPLACE "[^A-Za-z0-9.-]" "-" value "${value}")
  elseif(modifier STREQUAL "c99extidentifier" OR modifier STREQUAL "identifier")
    string(REGEX REPLACE "[^A-Za-z0-9_]" "_" value "${value}")
  elseif(modifier STREQUAL "lower")
    string(TOLOWER "${value}" value)
  elseif(modifier STREQUAL "upper")
    string(TOUPPER "${value}" value)
  else()
    set(value "<unknown modifier ${modifier}>")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# Expands $(NAME), ${NAME} and $(NAME:modifier) in `text` from VARIABLES (NAME=VALUE...).
# A variable the list does not define is an error naming FILE, unless it sits in an XML comment.
function(dextlab_expand_xcode_variables out text)
  cmake_parse_arguments(ARG "" "FILE" "VARIABLES" ${ARGN})
  string(REGEX MATCHALL "\\$[({][A-Za-z_][A-Za-z0-9_]*(:[A-Za-z0-9_]+)*[)}]" refs "${text}")
  if(refs)
    list(REMOVE_DUPLICATES refs)
  endif()
  string(REGEX REPLACE "<!--([^-]|-[^-])*-->" "" uncommented "${text}")
  foreach(ref IN LISTS refs)
    string(REGEX REPLACE "^\\$[({]([^:)}]*).*$" "\\1" name "${ref}")
    string(REGEX REPLACE "^\\$[({][^:)}]*:?([^)}]*)[)}]$" "\\1" modifiers "${ref}")
    set(found FALSE)
    foreach(pair IN LISTS ARG_VARIABLES)
      string(FIND "${pair}" "=" eq)
      string(SUBSTRING "${pair}" 0 ${eq} key)
      if(key STREQUAL name)
        math(EXPR start "${eq} + 1")
        string(SUBSTRING "${pair}" ${start} -1 value)
        set(found TRUE)
      endif()
    endforeach()
    if(NOT found)
      string(FIND "${uncommented}" "${ref}" outside_comment)
      if(outside_comment EQUAL -1)
        continue()
      endif()
      message(FATAL_ERROR "${ARG_FILE}: uses the Xcode build setting ${ref}, which dextlab_add_dext() does not "
        "know; pass its value with PLIST_VARIABLES ${name}=... (known: PRODUCT_BUNDLE_IDENTIFIER, EXECUTABLE_NAME, "
        "PRODUCT_NAME, PRODUCT_BUNDLE_PACKAGE_TYPE, DEVELOPMENT_LANGUAGE, MARKETING_VERSION, CURRENT_PROJECT_VERSION, ...)")
    endif()
    if(modifiers)
      string(REPLACE ":" ";" modifier_list "${modifiers}")
      foreach(modifier IN LISTS modifier_list)
        _dextlab_apply_modifier("${value}" "${modifier}" value)
      endforeach()
    endif()
    string(REPLACE "${ref}" "${value}" text "${text}")
  endforeach()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The keys of the plist's top-level dictionary (comments ignored, nested dictionaries skipped).
function(dextlab_plist_top_level_keys out text)
  string(REGEX REPLACE "<!--([^-]|-[^-])*-->" "" text "${text}")
  string(REGEX MATCHALL "<dict>|</dict>|<key>[^<]*</key>" tokens "${text}")
  set(depth 0)
  set(keys)
  foreach(token IN LISTS tokens)
    if(token STREQUAL "<dict>")
      math(EXPR depth "${depth} + 1")
    elseif(token STREQUAL "</dict>")
      math(EXPR depth "${depth} - 1")
    elseif(depth EQUAL 1)
      string(REGEX REPLACE "^<key>(.*)</key>$" "\\1" key "${token}")
      list(APPEND keys "${key}")
    endif()
  endforeach()
  set(${out} "${keys}" PARENT_SCOPE)
endfunction()

# Adds the CFBundle keys Xcode would have written and the plist lacks, from VARIABLES.
function(dextlab_add_missing_bundle_keys out text)
  cmake_parse_arguments(ARG "" "FILE" "VARIABLES" ${ARGN})
  dextlab_plist_top_level_keys(present "${text}")
  set(wanted
    "CFBundleDevelopmentRegion=$(DEVELOPMENT_LANGUAGE)"
    "CFBundleExecutable=$(EXECUTABLE_NAME)"
    "CFBundleIdentifier=$(PRODUCT_BUNDLE_IDENTIFIER)"
    "CFBundleInfoDictionaryVersion=6.0"
    "CFBundleName=$(PRODUCT_NAME)"
    "CFBundlePackageType=$(PRODUCT_BUNDLE_PACKAGE_TYPE)"
    "CFBundleShortVersionString=$(MARKETING_VERSION)"
    "CFBundleVersion=$(CURRENT_PROJECT_VERSION)")
  set(added "")
  foreach(pair IN LISTS wanted)
    string(REPLACE "=" ";" kv "${pair}")
    list(GET kv 0 key)
    list(GET kv 1 value)
    if(NOT key IN_LIST present)
      dextlab_expand_xcode_variables(value "${value}" FILE "${ARG_FILE}" VARIABLES ${ARG_VARIABLES})
      string(APPEND added "\n\t<key>${key}</key>\n\t<string>${value}</string>")
    endif()
  endforeach()
  if(added)
    string(FIND "${text}" "<plist" plist_at)
    if(plist_at EQUAL -1)
      message(FATAL_ERROR "${ARG_FILE}: not an XML property list (no <plist> element); Info.plist must be XML")
    endif()
    string(SUBSTRING "${text}" ${plist_at} -1 tail)
    string(SUBSTRING "${text}" 0 ${plist_at} head)
    string(REGEX MATCH "<dict>|<dict/>" first_dict "${tail}")
    string(FIND "${tail}" "${first_dict}" dict_at)
    if(NOT first_dict OR dict_at EQUAL -1)
      message(FATAL_ERROR "${ARG_FILE}: the property list has no top-level <dict>")
    endif()
    string(SUBSTRING "${tail}" 0 ${dict_at} before)
    string(LENGTH "${first_dict}" dict_length)
    math(EXPR rest_at "${dict_at} + ${dict_length}")
    string(SUBSTRING "${tail}" ${rest_at} -1 rest)
    if(first_dict STREQUAL "<dict/>")
      set(text "${head}${before}<dict>${added}\n</dict>${rest}")
    else()
      set(text "${head}${before}<dict>${added}${rest}")
    endif()
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Info.plist as the lab loads it: variables expanded, missing CFBundle keys added.
function(dextlab_process_info_plist out text)
  cmake_parse_arguments(ARG "" "FILE" "VARIABLES" ${ARGN})
  dextlab_expand_xcode_variables(text "${text}" FILE "${ARG_FILE}" VARIABLES ${ARG_VARIABLES})
  dextlab_add_missing_bundle_keys(text "${text}" FILE "${ARG_FILE}" VARIABLES ${ARG_VARIABLES})
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# ---- The dext target ----

function(dextlab_add_dext NAME)
  cmake_parse_arguments(ARG "REQUIRES_BLOCKS"
    "PLIST;ENTITLEMENTS;BUNDLE_IDENTIFIER;PRODUCT_NAME;VERSION;SHORT_VERSION;CXX_STANDARD;TARGET;OUTPUT_DIRECTORY"
    "IIG;SOURCES;PLIST_VARIABLES;COMPILE_OPTIONS;COMPILE_DEFINITIONS;INCLUDE_DIRECTORIES" ${ARGN})
  set(DEXTLAB_DEXT_BUILT FALSE PARENT_SCOPE)
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "dextlab_add_dext(${NAME}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}; see cmake/DextlabDext.cmake")
  endif()
  if(NOT ARG_PLIST)
    message(FATAL_ERROR "dextlab_add_dext(${NAME}): PLIST is required (the dext's Info.plist)")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "dextlab_add_dext(${NAME}): SOURCES is required: list the dext's .cpp files")
  endif()
  if(ARG_REQUIRES_BLOCKS AND NOT DEXTLAB_DEXT_BLOCKS)
    message(STATUS "dextlab: skipping dext ${NAME}: it uses clang blocks and this build has none "
      "(configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang and install libblocksruntime-dev)")
    return()
  endif()
  foreach(default "BUNDLE_IDENTIFIER=com.example.${NAME}" "PRODUCT_NAME=${NAME}" "VERSION=1" "SHORT_VERSION=1.0"
      "CXX_STANDARD=20")
    string(REPLACE "=" ";" kv "${default}")
    list(GET kv 0 key)
    list(GET kv 1 value)
    if(NOT ARG_${key})
      set(ARG_${key} "${value}")
    endif()
  endforeach()
  # TARGET and OUTPUT_DIRECTORY build another copy of a bundle (another version, say) under the
  # same bundle name: the target is named apart, the bundle folder lives elsewhere.
  set(tgt ${NAME})
  if(ARG_TARGET)
    set(tgt ${ARG_TARGET})
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/dexts)
  endif()
  set(bundle_dir ${ARG_OUTPUT_DIRECTORY}/${NAME}.dext)
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${tgt}_iig)
  # Relative paths are relative to the file that calls dextlab_add_dext (a CMakeLists.txt, or a
  # .cmake file of the user's given with -DDEXTLAB_USER_DEXTS).
  set(base_dir ${CMAKE_CURRENT_LIST_DIR})
  foreach(list_name IIG SOURCES INCLUDE_DIRECTORIES)
    set(absolute)
    foreach(path ${ARG_${list_name}})
      get_filename_component(path ${path} ABSOLUTE BASE_DIR ${base_dir})
      list(APPEND absolute ${path})
    endforeach()
    set(ARG_${list_name} ${absolute})
  endforeach()
  foreach(file_arg PLIST ENTITLEMENTS)
    if(ARG_${file_arg})
      get_filename_component(ARG_${file_arg} ${ARG_${file_arg}} ABSOLUTE BASE_DIR ${base_dir})
    endif()
  endforeach()

  # .iig -> generated header and implementation.
  set(iig_inputs ${ARG_IIG})
  file(GLOB sdk_interface_files ${DEXTLAB_SDK_INTERFACES}/*/*.iig)
  set(generated)
  foreach(iig_abs ${iig_inputs})
    get_filename_component(base ${iig_abs} NAME_WE)
    add_custom_command(
      OUTPUT ${gen_dir}/${base}.h ${gen_dir}/${base}.iig.cpp
      COMMAND dextlab-iig --input ${iig_abs} --header ${gen_dir}/${base}.h --impl ${gen_dir}/${base}.iig.cpp
              -I ${DEXTLAB_SDK_INTERFACES}
      DEPENDS dextlab-iig ${iig_inputs} ${sdk_interface_files}
      COMMENT "dextlab-iig ${base}.iig"
      VERBATIM)
    list(APPEND generated ${gen_dir}/${base}.iig.cpp)
  endforeach()

  add_library(${tgt} MODULE ${ARG_SOURCES} ${generated})
  target_include_directories(${tgt} PRIVATE ${gen_dir} ${base_dir} ${ARG_INCLUDE_DIRECTORIES})
  target_link_libraries(${tgt} PRIVATE dextlab_dext_sdk)
  target_compile_options(${tgt} PRIVATE $<$<COMPILE_LANG_AND_ID:CXX,Clang>:-Wno-c99-designator> ${ARG_COMPILE_OPTIONS})
  target_compile_definitions(${tgt} PRIVATE ${ARG_COMPILE_DEFINITIONS})
  set_target_properties(${tgt} PROPERTIES
    PREFIX "" SUFFIX "" OUTPUT_NAME ${NAME}
    CXX_STANDARD ${ARG_CXX_STANDARD}
    CXX_EXTENSIONS ON
    LIBRARY_OUTPUT_DIRECTORY ${bundle_dir}
    BUILD_RPATH "$<TARGET_FILE_DIR:dextlab_driverkit>")

  # Info.plist and entitlements as Xcode leaves them.
  dextlab_default_plist_variables(variables NAME ${NAME} BUNDLE_IDENTIFIER ${ARG_BUNDLE_IDENTIFIER}
    PRODUCT_NAME ${ARG_PRODUCT_NAME} VERSION ${ARG_VERSION} SHORT_VERSION ${ARG_SHORT_VERSION})
  list(APPEND variables ${ARG_PLIST_VARIABLES})
  set(plist_abs ${ARG_PLIST})
  if(plist_abs MATCHES "\\.in$")
    # A CMake template: @VARIABLE@ from the caller's scope and the build settings above.
    foreach(pair IN LISTS variables)
      string(FIND "${pair}" "=" eq)
      string(SUBSTRING "${pair}" 0 ${eq} key)
      math(EXPR start "${eq} + 1")
      string(SUBSTRING "${pair}" ${start} -1 value)
      set(${key} "${value}")
    endforeach()
    configure_file(${plist_abs} ${gen_dir}/Info.plist.configured @ONLY)
    file(READ ${gen_dir}/Info.plist.configured plist_text)
  else()
    file(READ ${plist_abs} plist_text)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${plist_abs})
  endif()
  dextlab_process_info_plist(plist_text "${plist_text}" FILE ${plist_abs} VARIABLES ${variables})
  file(GENERATE OUTPUT ${bundle_dir}/Info.plist CONTENT "${plist_text}")
  if(ARG_ENTITLEMENTS)
    set(entitlements_abs ${ARG_ENTITLEMENTS})
    if(NOT EXISTS ${entitlements_abs})
      message(FATAL_ERROR "dextlab_add_dext(${NAME}): ENTITLEMENTS ${ARG_ENTITLEMENTS} does not exist (looked at ${entitlements_abs})")
    endif()
    file(READ ${entitlements_abs} entitlements_text)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${entitlements_abs})
    dextlab_expand_xcode_variables(entitlements_text "${entitlements_text}" FILE ${entitlements_abs} VARIABLES ${variables})
    file(GENERATE OUTPUT ${bundle_dir}/${NAME}.entitlements CONTENT "${entitlements_text}")
  endif()
  set_property(GLOBAL APPEND PROPERTY DEXTLAB_DEXTS ${tgt})
  set(DEXTLAB_DEXT_BUILT TRUE PARENT_SCOPE)
endfunction()

# ---- Dexts from outside the tree ----
# -DDEXTLAB_USER_DEXTS=/path/MyDriver/dextlab.cmake[;...]: files of dextlab_add_dext() calls for
# dexts kept anywhere (docs/porting.md). Read once, when dexts/CMakeLists.txt includes this file.
if(NOT CMAKE_SCRIPT_MODE_FILE)
  set(DEXTLAB_USER_DEXTS "" CACHE STRING "Files of dextlab_add_dext() calls for dexts outside the tree (see docs/porting.md)")
endif()
if(DEXTLAB_USER_DEXTS AND NOT CMAKE_SCRIPT_MODE_FILE)
  foreach(user_dexts ${DEXTLAB_USER_DEXTS})
    if(NOT EXISTS ${user_dexts})
      message(FATAL_ERROR "DEXTLAB_USER_DEXTS: ${user_dexts} does not exist; give the full path of a .cmake file of dextlab_add_dext() calls")
    endif()
    message(STATUS "dextlab: dexts from ${user_dexts}")
    include(${user_dexts})
  endforeach()
endif()
