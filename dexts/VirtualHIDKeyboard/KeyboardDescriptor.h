//
//  KeyboardDescriptor.h
//  The boot-protocol keyboard both sample devices describe (HID 1.11 Appendix B.1): an 8-byte
//  input report (modifier bits, a reserved byte, six key codes) and a 1-byte output report for
//  the five keyboard LEDs. No Report ID items, so reports carry no report-id byte.
//

#ifndef KeyboardDescriptor_h
#define KeyboardDescriptor_h

#include <stdint.h>

static const uint8_t kBootKeyboardDescriptor[] = {
    0x05, 0x01,       // Usage Page (Generic Desktop)             HID 1.11 §6.2.2.7
    0x09, 0x06,       // Usage (Keyboard)                          §6.2.2.8
    0xA1, 0x01,       // Collection (Application)                  §6.2.2.6
    0x05, 0x07,       //   Usage Page (Keyboard/Keypad)
    0x19, 0xE0,       //   Usage Minimum (Left Control)
    0x29, 0xE7,       //   Usage Maximum (Right GUI)
    0x15, 0x00,       //   Logical Minimum (0)
    0x25, 0x01,       //   Logical Maximum (1)
    0x75, 0x01,       //   Report Size (1 bit)
    0x95, 0x08,       //   Report Count (8)
    0x81, 0x02,       //   Input (Data, Variable, Absolute)       byte 0: modifiers
    0x95, 0x01,       //   Report Count (1)
    0x75, 0x08,       //   Report Size (8 bits)
    0x81, 0x01,       //   Input (Constant)                       byte 1: reserved
    0x95, 0x05,       //   Report Count (5)
    0x75, 0x01,       //   Report Size (1 bit)
    0x05, 0x08,       //   Usage Page (LEDs)
    0x19, 0x01,       //   Usage Minimum (Num Lock)
    0x29, 0x05,       //   Usage Maximum (Kana)
    0x91, 0x02,       //   Output (Data, Variable, Absolute)      output bits 0-4: LEDs
    0x95, 0x01,       //   Report Count (1)
    0x75, 0x03,       //   Report Size (3 bits)
    0x91, 0x01,       //   Output (Constant)                      output bits 5-7: padding
    0x95, 0x06,       //   Report Count (6)
    0x75, 0x08,       //   Report Size (8 bits)
    0x15, 0x00,       //   Logical Minimum (0)
    0x25, 0x65,       //   Logical Maximum (101)
    0x05, 0x07,       //   Usage Page (Keyboard/Keypad)
    0x19, 0x00,       //   Usage Minimum (0)
    0x29, 0x65,       //   Usage Maximum (101: Keyboard Application)
    0x81, 0x00,       //   Input (Data, Array, Absolute)          bytes 2-7: key codes
    0xC0,             // End Collection
};

// The boot keyboard's input report (HID 1.11 Appendix B.1).
struct __attribute__((packed)) BootKeyboardReport {
    uint8_t modifiers;
    uint8_t reserved;
    uint8_t keys[6];
};
static_assert(sizeof(BootKeyboardReport) == 8, "the boot keyboard input report is 8 bytes");

#endif /* KeyboardDescriptor_h */
