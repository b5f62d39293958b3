# Unit test of the Info.plist processing in cmake/DextlabDext.cmake, run with `cmake -P`:
#   cmake -DDEXT_CMAKE=.../DextlabDext.cmake [-DCASE=unknown_setting] -P plist_processing_test.cmake
# Each check that fails stops with FATAL_ERROR naming the case.

cmake_minimum_required(VERSION 3.24)
include(${DEXT_CMAKE})

dextlab_default_plist_variables(variables NAME MyDriver BUNDLE_IDENTIFIER com.example.My.Driver
  PRODUCT_NAME "My Driver" VERSION 7 SHORT_VERSION 2.1)

function(expect_contains case text needle)
  string(FIND "${text}" "${needle}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${case}: expected to find\n  ${needle}\nin\n${text}")
  endif()
endfunction()

function(expect_count case text needle count)
  string(REGEX MATCHALL "${needle}" found "${text}")
  list(LENGTH found n)
  if(NOT n EQUAL count)
    message(FATAL_ERROR "${case}: expected ${count} of '${needle}', found ${n} in\n${text}")
  endif()
endfunction()

if(CASE STREQUAL "unknown_setting")
  dextlab_process_info_plist(out "<plist><dict><key>X</key><string>$(NOT_A_BUILD_SETTING)</string></dict></plist>"
    FILE Broken.plist VARIABLES ${variables})
  message(FATAL_ERROR "an unknown build setting was accepted")
endif()

# Variables in every spelling, inside longer strings, with modifiers; unknown ones in comments stay.
set(plist [=[<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<!-- $(UNKNOWN_IN_COMMENT) is left alone -->
<dict>
	<key>IOKitPersonalities</key>
	<dict>
		<key>My Driver personality</key>
		<dict>
			<key>CFBundleIdentifier</key>
			<string>$(PRODUCT_BUNDLE_IDENTIFIER)</string>
			<key>Note</key>
			<string>${PRODUCT_NAME} v$(MARKETING_VERSION) ($(PRODUCT_NAME:rfc1034identifier), $(PRODUCT_NAME:c99extidentifier), $(PRODUCT_BUNDLE_IDENTIFIER:lower))</string>
		</dict>
	</dict>
</dict>
</plist>
]=])
dextlab_process_info_plist(out "${plist}" FILE Info.plist VARIABLES ${variables})
expect_contains(variables "${out}" "<string>com.example.My.Driver</string>")
expect_contains(variables "${out}" "<string>My Driver v2.1 (My-Driver, My_Driver, com.example.my.driver)</string>")
expect_contains(variables "${out}" "<!-- $(UNKNOWN_IN_COMMENT) is left alone -->")
# The personality's CFBundleIdentifier is not the top-level one: all eight keys are added.
expect_contains(missing_keys "${out}" "<dict>\n\t<key>CFBundleDevelopmentRegion</key>\n\t<string>en</string>")
expect_contains(missing_keys "${out}" "<key>CFBundleExecutable</key>\n\t<string>MyDriver</string>")
expect_contains(missing_keys "${out}" "<key>CFBundleName</key>\n\t<string>My Driver</string>")
expect_contains(missing_keys "${out}" "<key>CFBundlePackageType</key>\n\t<string>DEXT</string>")
expect_contains(missing_keys "${out}" "<key>CFBundleVersion</key>\n\t<string>7</string>")
expect_contains(missing_keys "${out}" "<key>CFBundleShortVersionString</key>\n\t<string>2.1</string>")
expect_count(missing_keys "${out}" "<key>CFBundleIdentifier</key>" 2)

# Keys that are present are kept, not duplicated.
set(plist [=[<plist version="1.0"><dict>
<key>CFBundleIdentifier</key><string>$(PRODUCT_BUNDLE_IDENTIFIER)</string>
<key>CFBundleExecutable</key><string>$(EXECUTABLE_NAME)</string>
<key>CFBundleVersion</key><string>99</string>
</dict></plist>]=])
dextlab_process_info_plist(out "${plist}" FILE Info.plist VARIABLES ${variables})
expect_count(present_keys "${out}" "<key>CFBundleIdentifier</key>" 1)
expect_count(present_keys "${out}" "<key>CFBundleVersion</key>" 1)
expect_contains(present_keys "${out}" "<key>CFBundleVersion</key><string>99</string>")
expect_count(present_keys "${out}" "<key>CFBundleName</key>" 1)

# An empty top-level dictionary.
dextlab_process_info_plist(out "<plist version=\"1.0\"><dict/></plist>" FILE Info.plist VARIABLES ${variables})
expect_contains(empty_dict "${out}" "<dict>\n\t<key>CFBundleDevelopmentRegion</key>")
expect_contains(empty_dict "${out}" "</string>\n</dict></plist>")

# PLIST_VARIABLES add build settings.
dextlab_process_info_plist(out "<plist><dict><key>CFBundleIdentifier</key><string>$(TEAM_PREFIX).x</string></dict></plist>"
  FILE Info.plist VARIABLES ${variables} "TEAM_PREFIX=ABCDE12345")
expect_contains(extra_variables "${out}" "<string>ABCDE12345.x</string>")

message(STATUS "plist processing: all checks passed")
