#pragma once
// Seeded randomness. Every random choice in the lab comes from an Rng forked from the scenario
// seed with a stable stream name, so adding a device never changes another device's numbers.

#include <cstdint>
#include <string_view>

namespace dextlab {

class Rng {
public:
    explicit Rng(uint64_t seed) { reseed(seed); }

    void reseed(uint64_t seed)
    {
        // SplitMix64 expands one seed into xoshiro256**'s four words of state.
        for (auto& word : m_state)
            word = splitmix(seed);
    }

    // xoshiro256** (Blackman & Vigna, 2018): fast, 256-bit state, passes BigCrush.
    uint64_t next_u64()
    {
        uint64_t const result = rotl(m_state[1] * 5, 7) * 9;
        uint64_t const t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    // Uniform in [0, bound) (bound > 0), by rejection so there is no modulo bias.
    uint64_t below(uint64_t bound)
    {
        uint64_t const limit = UINT64_MAX - UINT64_MAX % bound;
        uint64_t value;
        do
            value = next_u64();
        while (value >= limit);
        return value % bound;
    }

    // An independent generator for a named stream (FNV-1a of the name mixed with our seed).
    Rng fork(std::string_view stream) const
    {
        uint64_t hash = 0xcbf29ce484222325ULL;
        for (char c : stream) {
            hash ^= static_cast<uint8_t>(c);
            hash *= 0x100000001b3ULL;
        }
        return Rng(m_state[0] ^ hash);
    }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static uint64_t splitmix(uint64_t& x)
    {
        uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    uint64_t m_state[4];
};

} // namespace dextlab
