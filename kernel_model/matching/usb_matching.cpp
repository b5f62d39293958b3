// USB family matching: the Common Class Specification table that IOUSBHostDevice and
// IOUSBHostInterface apply to a personality's USB keys.
//
// Sources: Apple Technical Q&A QA1076 "Tips on USB driver matching" and the DriverKit news post
// "Match your DriverKit drivers with the right USB device" (developer.apple.com/news/?id=zk5xdwbn)
// give the rows and their order; the open legacy family (IOUSBFamily IOUSBDevice.cpp,
// IOUSBInterface.cpp, IOUSBNub.cpp: matchPropertyTable) gives the scores, the "*" wildcard and the
// idProductMask adjustments. IOUSBHostFamily itself is closed (reference 4.2, 13).

#include "matching.h"

#include <array>

namespace dextlab::kernel {

using namespace matching_detail;

namespace {

// M(k): the key is in the table and equal to the nub's value; a string "*" matches anything.
enum class KeyState : uint8_t { Absent, Match, Wildcard, Mismatch };

struct UsbKey {
    char const* name;
    Property const* want { nullptr };
    Property const* have { nullptr };
    KeyState state { KeyState::Absent };

    bool given() const { return state != KeyState::Absent; }
    bool ok() const { return state == KeyState::Match || state == KeyState::Wildcard; }
    bool absent_or_ok() const { return !given() || ok(); }
};

UsbKey evaluate(PropertyDict const& table, RegistryEntry const& nub, char const* name)
{
    UsbKey k { name, find(table, name), nub.property(name) };
    if (!k.want)
        k.state = KeyState::Absent;
    else if (k.want->is_string() && k.want->as_string() == "*")
        k.state = KeyState::Wildcard;
    else
        k.state = k.have && *k.want == *k.have ? KeyState::Match : KeyState::Mismatch;
    return k;
}

// idProduct, or failing that any element of idProductArray, or idProduct under idProductMask.
struct ProductMatch {
    UsbKey product;
    Property const* array { nullptr };
    Property const* mask { nullptr };
    bool via_array { false };
    bool via_mask { false };

    bool given() const { return product.given() || array; }
    bool ok() const { return product.ok() || via_array || via_mask; }
};

ProductMatch evaluate_product(PropertyDict const& table, RegistryEntry const& nub)
{
    ProductMatch p { evaluate(table, nub, "idProduct") };
    p.array = find(table, "idProductArray");
    p.mask = find(table, "idProductMask");
    if (p.product.ok() || !p.product.have || !p.product.have->is_number())
        return p;
    uint64_t have = p.product.have->as_number();
    if (p.array && p.array->is_array()) {
        for (auto const& element : p.array->as_array())
            p.via_array = p.via_array || (element.is_number() && element.as_number() == have);
    }
    if (!p.via_array && p.mask && p.mask->is_number() && p.product.want && p.product.want->is_number()) {
        uint64_t mask = p.mask->as_number();
        p.via_mask = (have & mask) == (p.product.want->as_number() & mask);
    }
    return p;
}

KeyCheck to_check(UsbKey const& k)
{
    KeyCheck c { k.name, describe(k.want), describe(k.have), k.ok(), 0, "" };
    if (k.state == KeyState::Wildcard)
        c.note = "wildcard \"*\" (costs 1000)";
    return c;
}

void record_product(ProductMatch const& p, std::vector<KeyCheck>& out)
{
    if (p.product.given()) {
        KeyCheck c = to_check(p.product);
        c.passed = p.ok();
        if (p.via_array)
            c.note = "matched through idProductArray";
        else if (p.via_mask)
            c.note = "matched under idProductMask " + describe(p.mask) + " (costs 500)";
        out.push_back(std::move(c));
    } else if (p.array) {
        out.push_back(KeyCheck { "idProductArray", describe(p.array), describe(p.product.have), p.via_array, 0,
            p.via_array ? "the device's idProduct is in the array" : "the device's idProduct is not in the array" });
    }
}

} // namespace

MatchResult match_usb(PropertyDict const& personality, RegistryEntry const& nub, bool interface)
{
    // The first row that holds wins. Interface rows 1-2 also need the configuration and interface
    // numbers; the class rows must not name them (QA1076).
    char const* cls = interface ? "bInterfaceClass" : "bDeviceClass";
    char const* sub = interface ? "bInterfaceSubClass" : "bDeviceSubClass";
    char const* proto = interface ? "bInterfaceProtocol" : "bDeviceProtocol";
    std::string const kind = interface ? "USB interface" : "USB device";

    UsbKey vendor = evaluate(personality, nub, "idVendor");
    ProductMatch product = evaluate_product(personality, nub);
    UsbKey bcd = evaluate(personality, nub, "bcdDevice");
    UsbKey config = evaluate(personality, nub, "bConfigurationValue");
    UsbKey number = evaluate(personality, nub, "bInterfaceNumber");
    UsbKey klass = evaluate(personality, nub, cls);
    UsbKey subclass = evaluate(personality, nub, sub);
    UsbKey protocol = evaluate(personality, nub, proto);

    MatchResult result;
    for (UsbKey const* k : { &vendor }) {
        if (k->given())
            result.compared.push_back(to_check(*k));
    }
    record_product(product, result.compared);
    for (UsbKey const* k : { &bcd, &config, &number, &klass, &subclass, &protocol }) {
        if (k->given() && (interface || (k != &config && k != &number)))
            result.compared.push_back(to_check(*k));
    }

    bool class_ok = klass.absent_or_ok() && subclass.absent_or_ok() && protocol.absent_or_ok();
    bool numbers_ok = !interface || (config.ok() && number.ok());
    bool numbers_absent = !interface || (!config.given() && !number.given());

    // Adjustments of the legacy family: 1000 per wildcard and 500 for a masked product.
    int wildcards = 0;
    for (UsbKey const* k : { &vendor, &product.product, &bcd, &config, &number, &klass, &subclass, &protocol })
        wildcards += k->state == KeyState::Wildcard && (interface || (k != &config && k != &number));
    auto pick = [&](int64_t score, std::string rule) {
        result.matched = true;
        result.score = score - 1000 * wildcards - (product.via_mask ? 500 : 0);
        result.rule = kind + ": " + rule + " (" + std::to_string(score) + ")";
        result.reason = "matched " + result.rule;
        return result;
    };

    if (vendor.ok() && product.ok() && bcd.ok() && class_ok && numbers_ok)
        return pick(100000, "idVendor+idProduct+bcdDevice");
    if (vendor.ok() && product.ok() && bcd.absent_or_ok() && class_ok && numbers_ok)
        return pick(90000, "idVendor+idProduct");

    auto const* nub_class = nub.property(cls);
    bool vendor_specific = nub_class && nub_class->is_number() && nub_class->as_number() == 0xff;
    if (vendor_specific) {
        bool base = vendor.ok() && klass.absent_or_ok() && !bcd.given() && !product.given() && numbers_absent;
        if (base && subclass.ok() && protocol.ok())
            return pick(80000, std::string("idVendor+") + sub + "+" + proto);
        if (base && subclass.ok() && !protocol.given())
            return pick(70000, std::string("idVendor+") + sub);
    } else {
        bool base = !bcd.given() && !vendor.given() && !product.given() && numbers_absent;
        if (base && klass.ok() && subclass.ok() && protocol.ok())
            return pick(60000, std::string(cls) + "+" + sub + "+" + proto);
        if (base && klass.ok() && subclass.ok() && !protocol.given())
            return pick(50000, std::string(cls) + "+" + sub);
    }

    // Name the first key that kept the best row from holding, for the explanation.
    std::vector<UsbKey const*> order { &vendor, &product.product, &bcd };
    if (interface) {
        order.push_back(&config);
        order.push_back(&number);
    }
    for (UsbKey const* k : { &klass, &subclass, &protocol })
        order.push_back(k);
    for (UsbKey const* k : order) {
        bool failed = k == &product.product ? (product.given() && !product.ok()) : (k->given() && !k->ok());
        if (!failed)
            continue;
        Property const* want = k == &product.product && !product.product.given() ? product.array : k->want;
        result.failed_key = k == &product.product && !product.product.given() ? "idProductArray" : k->name;
        result.reason = result.failed_key + ": personality wants " + describe(want) + ", the "
            + (interface ? "interface" : "device") + " has " + describe(k->have);
        return result;
    }
    result.failed_key = "USB key combination";
    result.reason = "no row of the " + kind
        + " matching table applies to this combination of keys (e.g. idVendor without idProduct on a non-vendor-specific "
          "class, or bInterfaceNumber with class keys); see docs/matching.md";
    return result;
}

} // namespace dextlab::kernel
