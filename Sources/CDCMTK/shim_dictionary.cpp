// DCMTK's data dictionary: read-locked per thread instead of on one shared lock word, and its tag
// look-ups kept per thread.
//
// dcmdata takes the global dictionary's read lock (GlobalDcmDataDictionary::rdlock, a pthread rwlock)
// for every tag it makes or names, several times per element. Taking a read lock writes the lock's
// reader count, so with two reading threads that cache line goes from core to core on every call:
// 5–7 % of each worker's time in a 2-job header scan (perf, 5000 bench files), against under 1 % with
// one job. The definitions below take the place of dcmdata's four lock functions (the executable's
// definitions interpose the library's calls, which go through its PLT, as in shim_flag_locks.cpp) with
// a lock whose readers each write a counter of their own thread's: a reader announces itself on its
// counter, then checks that no writer wants the dictionary; a writer announces itself, then waits for
// every reader counter to reach zero (the two sides' sequentially consistent store-then-load means at
// least one sees the other). Writers still exclude readers and one another; nothing in ctdose writes
// the dictionary after DCMTK has loaded it, but a writer would still be served correctly.
//
// Under that lock, each look-up of a public tag (DcmDataDictionary::findEntry with no private creator)
// searched a hash bucket's list and then the list of repeating tags: about 8 % of a worker's time. The
// answer depends only on the tag and the dictionary's contents, so each thread keeps the answers it
// got, marked with the dictionary's generation, which every write lock moves on.
#include "shim_internal.hpp"

#include "dcmtk/dcmdata/dcdict.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

/// One thread's read-lock depth, alone on its cache line.
struct alignas(64) ReaderCounter {
    std::atomic<std::uint32_t> depth{0};
    std::atomic<bool> claimed{false};
};

constexpr int counter_count = 64;
ReaderCounter counters[counter_count];
/// For threads beyond `counter_count` at once: still correct, only shared again.
ReaderCounter overflow_counter;

std::atomic<bool> writer_wants_dictionary{false};
std::mutex one_writer_at_a_time;
/// Moved on by every write lock and unlock: answers kept under an earlier generation are not used.
std::atomic<std::uint32_t> dictionary_generation{1};

/// The calling thread's counter (claimed on first use, given back when the thread ends) and how many
/// read locks it holds.
struct ThreadReader {
    ReaderCounter *counter = nullptr;
    std::uint32_t held = 0;

    ReaderCounter &own() {
        if (counter == nullptr) {
            counter = &overflow_counter;
            for (ReaderCounter &candidate : counters) {
                bool expected = false;
                if (!candidate.claimed.load(std::memory_order_relaxed) &&
                    candidate.claimed.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
                    counter = &candidate;
                    break;
                }
            }
        }
        return *counter;
    }

    ~ThreadReader() {
        if (counter != nullptr && counter != &overflow_counter) counter->claimed.store(false, std::memory_order_release);
        counter = &overflow_counter;
    }
};

thread_local ThreadReader this_thread_reader;
/// Whether the calling thread holds the write lock: its read locks are then granted at once, as
/// dcmdata's rwlock refused them without blocking (EDEADLK, which DCMTK ignores) instead of deadlocking.
thread_local bool this_thread_writes = false;

void read_lock() {
    ThreadReader &reader = this_thread_reader;
    ReaderCounter &counter = reader.own();
    if (reader.held++ > 0 || this_thread_writes) {
        // Already a reader (no writer can be in, and any waiting one waits for this thread's count to
        // fall), or the writer itself.
        counter.depth.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    for (;;) {
        counter.depth.fetch_add(1, std::memory_order_seq_cst);
        if (!writer_wants_dictionary.load(std::memory_order_seq_cst)) return;
        counter.depth.fetch_sub(1, std::memory_order_seq_cst);
        while (writer_wants_dictionary.load(std::memory_order_acquire)) std::this_thread::yield();
    }
}

void read_unlock() {
    ThreadReader &reader = this_thread_reader;
    --reader.held;
    reader.own().depth.fetch_sub(1, std::memory_order_release);
}

void write_lock() {
    one_writer_at_a_time.lock();
    writer_wants_dictionary.store(true, std::memory_order_seq_cst);
    for (ReaderCounter &counter : counters)
        while (counter.depth.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
    while (overflow_counter.depth.load(std::memory_order_seq_cst) != 0) std::this_thread::yield();
    dictionary_generation.fetch_add(1, std::memory_order_relaxed);
    this_thread_writes = true;
}

void write_unlock() {
    this_thread_writes = false;
    dictionary_generation.fetch_add(1, std::memory_order_relaxed);
    writer_wants_dictionary.store(false, std::memory_order_seq_cst);
    one_writer_at_a_time.unlock();
}

using LockFunction = const DcmDataDictionary &(*)(GlobalDcmDataDictionary *);
using UnlockFunction = void (*)(GlobalDcmDataDictionary *);

/// The global dictionary: dcmdata makes it on first use and never replaces it (clear() empties it in
/// place), so its address is asked once of dcmdata's own functions, which also make it if needed.
std::atomic<const DcmDataDictionary *> global_dictionary{nullptr};

const DcmDataDictionary *dictionary_of(GlobalDcmDataDictionary *global) {
    const DcmDataDictionary *dictionary = global_dictionary.load(std::memory_order_acquire);
    if (dictionary == nullptr) {
        static const LockFunction dcmdata_rdlock =
            reinterpret_cast<LockFunction>(cdcm::dcmtk_definition("_ZN23GlobalDcmDataDictionary6rdlockEv", "dcmdata"));
        static const UnlockFunction dcmdata_rdunlock = reinterpret_cast<UnlockFunction>(
            cdcm::dcmtk_definition("_ZN23GlobalDcmDataDictionary8rdunlockEv", "dcmdata"));
        dictionary = &dcmdata_rdlock(global);
        dcmdata_rdunlock(global);
        global_dictionary.store(dictionary, std::memory_order_release);
    }
    return dictionary;
}

using FindEntryFunction = const DcmDictEntry *(*)(const DcmDataDictionary *, const DcmTagKey &, const char *);

FindEntryFunction dcmdata_find_entry() {
    static const FindEntryFunction function = reinterpret_cast<FindEntryFunction>(
        cdcm::dcmtk_definition("_ZNK17DcmDataDictionary9findEntryERK9DcmTagKeyPKc", "dcmdata"));
    return function;
}

/// One thread's kept answers for public tags, direct-mapped by tag (a file's 100-odd tags rarely collide).
struct KeptEntry {
    std::uint32_t tag;
    std::uint32_t generation;  // 0: empty
    const DcmDictEntry *entry;
};
constexpr std::uint32_t kept_entry_bits = 10;
thread_local KeptEntry kept_entries[1u << kept_entry_bits];

}  // namespace

const DcmDataDictionary &GlobalDcmDataDictionary::rdlock() {
    read_lock();
    return *dictionary_of(this);
}

void GlobalDcmDataDictionary::rdunlock() { read_unlock(); }

DcmDataDictionary &GlobalDcmDataDictionary::wrlock() {
    write_lock();
    return const_cast<DcmDataDictionary &>(*dictionary_of(this));
}

void GlobalDcmDataDictionary::wrunlock() { write_unlock(); }

const DcmDictEntry *DcmDataDictionary::findEntry(const DcmTagKey &key, const char *privCreator) const {
    if (privCreator != nullptr || this != global_dictionary.load(std::memory_order_relaxed))
        return dcmdata_find_entry()(this, key, privCreator);
    // The caller holds the read lock, so the generation cannot move during this look-up, and the
    // lock's seq_cst handshake makes the last writer's generation visible.
    const std::uint32_t tag = static_cast<std::uint32_t>(key.getGroup()) << 16 | key.getElement();
    const std::uint32_t generation = dictionary_generation.load(std::memory_order_relaxed);
    KeptEntry &kept = kept_entries[(tag * 0x9E3779B1u) >> (32 - kept_entry_bits)];
    if (kept.tag == tag && kept.generation == generation) return kept.entry;
    const DcmDictEntry *entry = dcmdata_find_entry()(this, key, nullptr);
    kept = {tag, generation, entry};
    return entry;
}

int cdcm_check_dictionary(char *message, size_t capacity) {
    auto fail = [&](const char *text) {
        std::snprintf(message, capacity, "%s", text);
        return 1;
    };
    // The dictionary behind the lock is dcmdata's, loaded: Patient's Name is in it.
    const DcmDataDictionary &dictionary = dcmDataDict.rdlock();
    const DcmDictEntry *entry = dictionary.findEntry(DcmTagKey(0x0010, 0x0010), nullptr);
    const bool named = entry != nullptr && std::string(entry->getTagName()) == "PatientName";
    dcmDataDict.rdunlock();
    if (!named) return fail("the read-locked dictionary does not name (0010,0010) PatientName");

    // Kept look-ups answer as dcmdata's own, asked first (to be kept) and again (from what was kept),
    // over standard, repeating (50xx curves, 60xx overlays) and private groups.
    const std::uint16_t groups[] = {0x0002, 0x0008, 0x0009, 0x0010, 0x0018, 0x0020, 0x0028, 0x0029, 0x0032, 0x0040,
                                    0x0054, 0x0088, 0x1000, 0x5000, 0x5002, 0x501E, 0x6000, 0x6002, 0x601E, 0x7FE0};
    const DcmDataDictionary &locked = dcmDataDict.rdlock();
    for (int pass = 0; pass < 2; ++pass)
        for (std::uint16_t group : groups)
            for (std::uint32_t element = 0; element <= 0x3200; ++element) {
                const DcmTagKey key(group, static_cast<Uint16>(element));
                if (locked.findEntry(key, nullptr) != dcmdata_find_entry()(&locked, key, nullptr)) {
                    dcmDataDict.rdunlock();
                    std::snprintf(message, capacity, "kept look-up of (%04x,%04x) differs from dcmdata's", group, element);
                    return 1;
                }
            }
    dcmDataDict.rdunlock();

    // A write makes earlier answers stale: a tag looked up (and kept) as unknown is found once added.
    const DcmTagKey added(0x7771, 0x1001);  // a private element (odd group) no file of the corpus or tests has
    const bool unknown_before = dcmDataDict.rdlock().findEntry(added, nullptr) == nullptr;
    dcmDataDict.rdunlock();
    dcmDataDict.wrlock().addEntry(new DcmDictEntry(0x7771, 0x1001, EVR_LO, "CtdoseDictionaryCheck", 1, 1, nullptr,
                                                   OFTrue, nullptr));
    const bool writer_reads = &dcmDataDict.rdlock() == &locked;  // the writer may read: no deadlock
    dcmDataDict.rdunlock();
    dcmDataDict.wrunlock();
    if (!writer_reads) return fail("the writer's read lock handed out another dictionary");
    const DcmDictEntry *found = dcmDataDict.rdlock().findEntry(added, nullptr);
    const bool known_after = found != nullptr && std::string(found->getTagName()) == "CtdoseDictionaryCheck";
    dcmDataDict.rdunlock();
    if (!unknown_before || !known_after) return fail("a look-up kept before a dictionary write was still used after it");

    // A reader that nests a second read lock while a writer waits must get it (a writer waits for the
    // reader's count to fall, so refusing would deadlock), and the writer must wait for both unlocks.
    dcmDataDict.rdlock();
    std::atomic<bool> writer_in{false};
    std::thread writer([&] {
        dcmDataDict.wrlock();
        writer_in.store(true);
        dcmDataDict.wrunlock();
    });
    while (!writer_wants_dictionary.load()) std::this_thread::yield();
    dcmDataDict.rdlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const bool writer_waited = !writer_in.load();
    dcmDataDict.rdunlock();
    dcmDataDict.rdunlock();
    writer.join();
    if (!writer_waited || !writer_in.load()) return fail("a writer entered while a reader held the dictionary");

    // Readers on several threads never see a writer's half-made change: the writer moves two plain
    // counters apart and back together under the write lock; a reader that sees them differ has read
    // while the writer was in.
    std::uint64_t first = 0, second = 0;
    std::atomic<bool> torn{false}, stop{false};
    std::vector<std::thread> readers;
    for (int k = 0; k < 3; ++k)
        readers.emplace_back([&] {
            while (!stop.load(std::memory_order_relaxed)) {
                dcmDataDict.rdlock();
                const std::uint64_t a = first;
                std::atomic_signal_fence(std::memory_order_seq_cst);
                const std::uint64_t b = second;
                dcmDataDict.rdunlock();
                if (a != b) torn.store(true);
            }
        });
    for (int round = 0; round < 20000; ++round) {
        dcmDataDict.wrlock();
        ++first;
        std::atomic_signal_fence(std::memory_order_seq_cst);
        ++second;
        dcmDataDict.wrunlock();
    }
    stop.store(true);
    for (std::thread &reader : readers) reader.join();
    if (torn.load()) return fail("a reader saw the dictionary while a writer was changing it");
    if (capacity > 0) message[0] = '\0';
    return 0;
}
