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
    MatchKey id;
    Property const* want { nullptr };
    Property const* have { nullptr };
    KeyState state { KeyState::Absent };

    bool given() const { return state != KeyState::Absent; }
    bool ok() const { return state == KeyState::Match || state == KeyState::Wildcard; }
    bool absent_or_ok() const { return !given() || ok(); }
    std::string const& name() const { return key_name(id); }
};

// Keys the table does not name are not looked up at all (TableKeys).
UsbKey evaluate(PropertyDict const& table, TableKeys const& keys, RegistryEntry const& nub, MatchKey id)
{
    UsbKey k { id };
    if (!keys.has(id))
        return k;
    k.want = find(table, id);
    k.have = nub.property(key_name(id));
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

ProductMatch evaluate_product(PropertyDict const& table, TableKeys const& keys, RegistryEntry const& nub)
{
    ProductMatch p { evaluate(table, keys, nub, MatchKey::idProduct) };
    p.array = keys.has(MatchKey::idProductArray) ? find(table, MatchKey::idProductArray) : nullptr;
    p.mask = keys.has(MatchKey::idProductMask) ? find(table, MatchKey::idProductMask) : nullptr;
    if (!p.array && !p.mask)
        return p;
    if (!p.product.have)
        p.product.have = nub.property(key_name(MatchKey::idProduct));
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
    KeyCheck c { k.name(), describe(k.want), describe(k.have), k.ok(), 0, "" };
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

// One personality's USB keys evaluated against one nub, once; the rows read them.
struct UsbTable {
    UsbTable(PropertyDict const& personality, TableKeys const& keys, RegistryEntry const& nub, bool interface)
        : interface(interface)
        , cls_key(interface ? MatchKey::bInterfaceClass : MatchKey::bDeviceClass)
        , sub_key(interface ? MatchKey::bInterfaceSubClass : MatchKey::bDeviceSubClass)
        , proto_key(interface ? MatchKey::bInterfaceProtocol : MatchKey::bDeviceProtocol)
        , vendor(evaluate(personality, keys, nub, MatchKey::idVendor))
        , product(evaluate_product(personality, keys, nub))
        , bcd(evaluate(personality, keys, nub, MatchKey::bcdDevice))
        , config(evaluate(personality, keys, nub, MatchKey::bConfigurationValue))
        , number(evaluate(personality, keys, nub, MatchKey::bInterfaceNumber))
        , klass(evaluate(personality, keys, nub, cls_key))
        , subclass(evaluate(personality, keys, nub, sub_key))
        , protocol(evaluate(personality, keys, nub, proto_key))
    {
        auto const* nub_class = nub.property(key_name(cls_key));
        vendor_specific = nub_class && nub_class->is_number() && nub_class->as_number() == 0xff;
    }

    bool interface;
    MatchKey cls_key, sub_key, proto_key;
    UsbKey vendor;
    ProductMatch product;
    UsbKey bcd, config, number, klass, subclass, protocol;
    bool vendor_specific { false };

    char const* kind() const { return interface ? "USB interface" : "USB device"; }
    std::string cls() const { return key_name(cls_key); }
    std::string sub() const { return key_name(sub_key); }
    std::string proto() const { return key_name(proto_key); }
    // The configuration and interface numbers count only for an interface.
    std::vector<UsbKey const*> keys_in_order() const
    {
        std::vector<UsbKey const*> order { &vendor, &product.product, &bcd };
        if (interface) {
            order.push_back(&config);
            order.push_back(&number);
        }
        for (UsbKey const* k : { &klass, &subclass, &protocol })
            order.push_back(k);
        return order;
    }

    void record(std::vector<KeyCheck>& out) const;
    int wildcards() const;
    // The first row that holds: its score before adjustments and its name; score 0 when none.
    std::pair<int64_t, std::string> row() const;
    void explain_failure(MatchResult& result) const;
};

void UsbTable::record(std::vector<KeyCheck>& out) const
{
    if (vendor.given())
        out.push_back(to_check(vendor));
    record_product(product, out);
    for (UsbKey const* k : keys_in_order()) {
        if (k != &vendor && k != &product.product && k->given())
            out.push_back(to_check(*k));
    }
}

int UsbTable::wildcards() const
{
    int n = 0;
    for (UsbKey const* k : keys_in_order())
        n += k->state == KeyState::Wildcard;
    return n;
}

std::pair<int64_t, std::string> UsbTable::row() const
{
    // The first row that holds wins. Interface rows 1-2 also need the configuration and interface
    // numbers; the class rows must not name them (QA1076).
    bool class_ok = klass.absent_or_ok() && subclass.absent_or_ok() && protocol.absent_or_ok();
    bool numbers_ok = !interface || (config.ok() && number.ok());
    bool numbers_absent = !interface || (!config.given() && !number.given());
    if (vendor.ok() && product.ok() && bcd.ok() && class_ok && numbers_ok)
        return { 100000, "idVendor+idProduct+bcdDevice" };
    if (vendor.ok() && product.ok() && bcd.absent_or_ok() && class_ok && numbers_ok)
        return { 90000, "idVendor+idProduct" };
    if (vendor_specific) {
        bool base = vendor.ok() && klass.absent_or_ok() && !bcd.given() && !product.given() && numbers_absent;
        if (base && subclass.ok() && protocol.ok())
            return { 80000, "idVendor+" + sub() + "+" + proto() };
        if (base && subclass.ok() && !protocol.given())
            return { 70000, "idVendor+" + sub() };
        return { 0, "" };
    }
    bool base = !bcd.given() && !vendor.given() && !product.given() && numbers_absent;
    if (base && klass.ok() && subclass.ok() && protocol.ok())
        return { 60000, cls() + "+" + sub() + "+" + proto() };
    if (base && klass.ok() && subclass.ok() && !protocol.given())
        return { 50000, cls() + "+" + sub() };
    return { 0, "" };
}

// Names the first key that kept the best row from holding.
void UsbTable::explain_failure(MatchResult& result) const
{
    for (UsbKey const* k : keys_in_order()) {
        bool is_product = k == &product.product;
        bool failed = is_product ? (product.given() && !product.ok()) : (k->given() && !k->ok());
        if (!failed)
            continue;
        bool array_only = is_product && !product.product.given();
        result.failed_key = array_only ? std::string("idProductArray") : k->name();
        result.reason = result.failed_key + ": personality wants " + describe(array_only ? product.array : k->want) + ", the "
            + (interface ? "interface" : "device") + " has " + describe(k->have);
        return;
    }
    result.failed_key = "USB key combination";
    result.reason = std::string("no row of the ") + kind()
        + " matching table applies to this combination of keys (e.g. idVendor without idProduct on a non-vendor-specific "
          "class, or bInterfaceNumber with class keys); see docs/matching.md";
}

} // namespace

MatchResult match_usb(PropertyDict const& personality, RegistryEntry const& nub, bool interface)
{
    return match_usb(personality, nub, interface, MatchDetail::Keys, TableKeys::of(personality));
}

MatchResult match_usb(PropertyDict const& personality, RegistryEntry const& nub, bool interface, MatchDetail detail, TableKeys const& keys)
{
    UsbTable table(personality, keys, nub, interface);
    MatchResult result;
    if (detail == MatchDetail::Keys)
        table.record(result.compared);
    auto [score, rule] = table.row();
    if (score == 0) {
        table.explain_failure(result);
        return result;
    }
    // Adjustments of the legacy family: 1000 per wildcard and 500 for a masked product.
    result.matched = true;
    result.score = score - 1000 * table.wildcards() - (table.product.via_mask ? 500 : 0);
    result.rule = std::string(table.kind()) + ": " + rule + " (" + std::to_string(score) + ")";
    result.reason = "matched " + result.rule;
    return result;
}

} // namespace dextlab::kernel
