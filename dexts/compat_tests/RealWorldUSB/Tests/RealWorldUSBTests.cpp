//
//  RealWorldUSBTests.cpp
//  An Xcode test target's file that sits in the dext's folder but is not part of the dext:
//  dextlab_add_dext() compiles only the SOURCES it is given, so this file never builds.
//

#error "RealWorldUSBTests.cpp is not part of the RealWorldUSB dext; it must not be compiled"
