#pragma once
// The bytes of a message payload, kept inside the message up to kInline bytes and on the heap
// beyond. Almost every message on a callback's path (Invoke, QueueWork, RunQueueItem and the
// replies) is a few tagged fields, so a message built, moved and thrown away on that path
// allocates nothing. The interface is the part of std::vector<uint8_t> the protocol uses.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <new>

namespace dextlab::ipc {

class Payload {
public:
    // Holds a Reply, an Invoke with up to seven u64 arguments, or a QueueWork (its queue's name
    // too, the first time). Every message is moved a few times on its way, and a move copies
    // the whole inline buffer: it is kept no larger than the callback path needs.
    static constexpr size_t kInline = 64;

    Payload() = default;
    Payload(Payload const& other)
    {
        if (other.m_heap)
            assign(other.data(), other.data() + other.size());
        else
            copy_inline(other);
    }
    Payload(Payload&& other) noexcept { take(other); }
    Payload& operator=(Payload const& other)
    {
        if (this != &other)
            assign(other.data(), other.data() + other.size());
        return *this;
    }
    Payload& operator=(Payload&& other) noexcept
    {
        if (this != &other) {
            release();
            take(other);
        }
        return *this;
    }
    ~Payload() { release(); }

    uint8_t* data() { return m_heap ? m_heap : m_inline; }
    uint8_t const* data() const { return m_heap ? m_heap : m_inline; }
    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    size_t capacity() const { return m_capacity; }
    uint8_t const* begin() const { return data(); }
    uint8_t const* end() const { return data() + m_size; }

    void reserve(size_t wanted)
    {
        if (wanted <= m_capacity)
            return;
        size_t const capacity = std::max(wanted, m_capacity * 2);
        auto* heap = static_cast<uint8_t*>(std::malloc(capacity));
        if (!heap)
            throw std::bad_alloc();
        if (m_size)
            std::memcpy(heap, data(), m_size);
        std::free(m_heap);
        m_heap = heap;
        m_capacity = capacity;
    }
    // Appends `count` bytes for the caller to fill; returns where they start. Every field
    // written passes here: the common case (room left) stays small enough to inline.
    uint8_t* grow(size_t count)
    {
        if (count <= m_capacity - m_size) [[likely]] {
            uint8_t* at = data() + m_size;
            m_size += count;
            return at;
        }
        return grow_into_new_block(count);
    }
    // Like vector::resize: new bytes are zero.
    void resize(size_t size)
    {
        // Bounded here too, where the optimiser sees it (g++ 12 checks the memset's bound).
        if (size > static_cast<size_t>(PTRDIFF_MAX))
            throw std::length_error("ipc payload too large");
        if (size > m_size)
            std::memset(grow(size - m_size), 0, size - m_size);
        else
            m_size = size;
    }
    void push_back(uint8_t byte) { *grow(1) = byte; }
    void assign(uint8_t const* first, uint8_t const* last)
    {
        size_t const count = static_cast<size_t>(last - first);
        m_size = 0;
        if (count)
            std::memcpy(grow(count), first, count);
    }
    void clear() { m_size = 0; }

    friend bool operator==(Payload const& a, Payload const& b)
    {
        return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
    }

private:
    [[gnu::noinline]] uint8_t* grow_into_new_block(size_t count)
    {
        // Bounded like vector::max_size, so a size that wrapped around is an exception rather
        // than an allocation of 2^64 bytes (and the optimiser can see the bound).
        if (count > static_cast<size_t>(PTRDIFF_MAX) - m_size)
            throw std::length_error("ipc payload too large");
        reserve(m_size + count);
        uint8_t* at = data() + m_size;
        m_size += count;
        return at;
    }
    void take(Payload& other)
    {
        m_size = other.m_size;
        m_capacity = other.m_capacity;
        m_heap = other.m_heap;
        if (!m_heap)
            std::memcpy(m_inline, other.m_inline, kInline);
        other.m_heap = nullptr;
        other.m_size = 0;
        other.m_capacity = kInline;
    }
    // The whole inline buffer: a fixed-size copy the compiler does in a few vector moves, cheaper
    // than a library call for the bytes in use.
    void copy_inline(Payload const& other)
    {
        std::memcpy(m_inline, other.m_inline, kInline);
        m_size = other.m_size;
    }
    void release()
    {
        std::free(m_heap);
        m_heap = nullptr;
        m_size = 0;
        m_capacity = kInline;
    }

    uint8_t* m_heap { nullptr };
    size_t m_size { 0 };
    size_t m_capacity { kInline };
    // Not zeroed: a message is made for every field-less RunQueueItem and every reply, and
    // only the first m_size bytes are ever read.
    uint8_t m_inline[kInline];
};

} // namespace dextlab::ipc
