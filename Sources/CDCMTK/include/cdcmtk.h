// cdcmtk.h: the plain-C face of DCMTK 3.6.7 (and OpenJPEG 2.5 for JPEG 2000) used by ctdose.
//
// Rules of this boundary:
// - No C++ exception and no DCMTK type crosses it. Every call returns a cdcm_status and, on failure,
//   fills a caller-owned cdcm_error with a specific message.
// - No memory allocated here is handed to the caller: bulk data goes into caller buffers, strings are
//   either copied into caller buffers or borrowed for the duration of one callback.
// - No interpretation: which tags matter, what SR concepts mean, how values are validated all live in
//   Swift. The shim opens, looks up, decodes and walks.
// - One cdcm_file per thread at a time (DCMTK objects are not shareable). Parsing recurses on nested
//   sequences: call cdcm_open / cdcm_close on a thread with a large stack (DICOMBridge does).
#ifndef CDCMTK_H
#define CDCMTK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    CDCM_OK = 0,
    CDCM_ERR_ARGUMENT = 1,     // bad argument from the caller
    CDCM_ERR_IO = 2,           // cannot open / read the file
    CDCM_ERR_NOT_DICOM = 3,    // no DICOM structure could be parsed
    CDCM_ERR_NOT_FOUND = 4,    // element / item absent
    CDCM_ERR_TYPE = 5,         // element has a VR the call cannot serve
    CDCM_ERR_UNSUPPORTED = 6,  // e.g. transfer syntax without a decoder
    CDCM_ERR_DECODE = 7,       // codec or parser failure
    CDCM_ERR_BUFFER = 8,       // caller buffer too small; `needed` says how large
    CDCM_ERR_INTERNAL = 9,     // a C++ exception or an impossible state
} cdcm_status;

typedef struct {
    int32_t code;          // a cdcm_status
    char message[512];     // NUL-terminated, specific (DCMTK's condition text plus captured log lines)
} cdcm_error;

typedef struct cdcm_file cdcm_file;

/// Once per process before any other call (idempotent, thread-safe): registers the RLE, JPEG and
/// JPEG-LS decoders, silences DCMTK's stderr logger, installs the per-thread log capture and loads
/// the data dictionary.
void cdcm_init(void);

/// Checks that the shim's kept answers of two of dcmdata's per-element look-ups (VR names, transfer
/// syntax tables; shim_parser_lookups.cpp) are dcmdata's own for every input: 0 if so, else 1 with the
/// first difference described in `message`.
int cdcm_check_parser_lookups(char *message, size_t capacity);

/// Checks the shim's handling of DCMTK's data dictionary (shim_dictionary.cpp): that its per-thread
/// lock hands out dcmdata's loaded dictionary, grants a nested read lock while a writer waits and a
/// read lock to the writer itself, and
/// never lets readers on several threads see a writer's change half made; that its kept tag look-ups
/// answer as dcmdata's own, and are not used after a write. 0 if so, else 1 with the failure described
/// in `message`.
int cdcm_check_dictionary(char *message, size_t capacity);

enum {
    CDCM_OPEN_STOP_BEFORE_PIXELS = 1u << 0,  // parse only up to (7FE0,0010)
    CDCM_OPEN_STOP_AT_GROUP_0033 = 1u << 1,  // parse only up to (0033,0000): a classic image's modules, no later private groups
    CDCM_OPEN_STOP_AT_CONTENT_SEQUENCE = 1u << 2,  // parse only up to (0040,A730): an SR's document attributes, no content tree
};

/// Opens and parses a DICOM file (Part 10, or a bare dataset without meta header).
cdcm_status cdcm_open(const char *path, uint32_t flags, cdcm_file **out, cdcm_error *err);
/// As cdcm_open, reading from `descriptor` (open for reading, left open, read from offset 0 on);
/// `path` names the same file, for messages and the rare re-read by name.
cdcm_status cdcm_open_descriptor(int descriptor, const char *path, uint32_t flags, cdcm_file **out, cdcm_error *err);
void cdcm_close(cdcm_file *file);

/// Warnings DCMTK logged while this file was opened (one per line). Copies into buf; BUFFER + needed
/// when too small. An empty string when there were none.
cdcm_status cdcm_open_warnings(cdcm_file *file, char *buf, size_t len, size_t *needed);

/// Transfer syntax UID the dataset was read with (from the meta header, or detected).
cdcm_status cdcm_transfer_syntax(cdcm_file *file, char *buf, size_t len, cdcm_error *err);

// ---------------------------------------------------------------------------------------------
// Element access by path.
//
// A path addresses an element at any depth: tags[0] is a top-level tag, and for each further level
// items[k] is the item index (0-based) inside the sequence tags[k] and tags[k+1] is a tag inside that
// item. So depth = number of tags, and `items` has depth - 1 entries (may be NULL when depth == 1).
// Tags are (group << 16) | element.
// ---------------------------------------------------------------------------------------------

/// Whole value as text (all values joined by '\'), as DCMTK renders it for the VR. Binary VRs
/// (OB/OW/UN...) are refused with TYPE. BUFFER + needed when buf is too small.
cdcm_status cdcm_get_string(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                            char *buf, size_t len, size_t *needed, cdcm_error *err);

/// Raw value bytes of an element of any non-sequence VR (e.g. private text stored as UN). BUFFER +
/// needed when buf is too small.
cdcm_status cdcm_get_bytes(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                           uint8_t *buf, size_t len, size_t *needed, cdcm_error *err);

/// Numeric values (US/SS/UL/SL/FL/FD/DS/IS, and AT as integers). Writes up to `capacity` values and sets
/// `count` to the number of values present. A DS/IS value that does not parse as a number gives TYPE.
cdcm_status cdcm_get_numbers(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                             double *out, size_t capacity, size_t *count, cdcm_error *err);

/// Number of items in the sequence at the path. NOT_FOUND if absent, TYPE if not a sequence.
cdcm_status cdcm_item_count(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                            size_t *count, cdcm_error *err);

/// Length in bytes of the value at the path as declared in the file (0xFFFFFFFF = undefined).
cdcm_status cdcm_value_length(cdcm_file *file, const uint32_t *tags, const uint32_t *items, size_t depth,
                              uint64_t *length, cdcm_error *err);

// ---------------------------------------------------------------------------------------------
// Pixels.
// ---------------------------------------------------------------------------------------------

typedef struct {
    uint32_t rows, columns, frames;
    uint16_t bits_allocated, bits_stored, high_bit, pixel_representation, samples_per_pixel;
    uint8_t has_pixel_data;       // (7FE0,0010) present
    uint8_t encapsulated;         // compressed (pixel sequence)
    uint64_t pixel_data_length;   // declared length of native pixel data (0xFFFFFFFF for encapsulated)
    uint64_t file_size;           // bytes in the file on disk
    char photometric[32];
    char transfer_syntax[72];
} cdcm_image_info;

cdcm_status cdcm_image_info_get(cdcm_file *file, cdcm_image_info *info, cdcm_error *err);

/// Decodes one frame to stored values, sign-extended per Pixel Representation and masked to Bits
/// Stored, into a caller buffer of rows * columns * samples_per_pixel int32 values. Native, deflated,
/// big endian, RLE, JPEG (baseline, extended, lossless), JPEG-LS and JPEG 2000 (through OpenJPEG).
/// Other syntaxes give UNSUPPORTED with "unsupported transfer syntax <UID>".
cdcm_status cdcm_decode_frame(cdcm_file *file, uint32_t frame, int32_t *out, size_t count, cdcm_error *err);

// ---------------------------------------------------------------------------------------------
// Structured-report content tree, walked over the raw ContentSequence (no IOD validation, so
// non-conformant vendor reports are read as they are; interpretation happens in Swift).
// ---------------------------------------------------------------------------------------------

typedef struct {
    uint32_t index;            // pre-order index, root container = 0
    int32_t parent;            // index of the parent item, -1 for the root
    uint32_t depth;            // root = 0
    const char *relationship;  // (0040,A010), "" if absent
    const char *value_type;    // (0040,A040), "" if absent (e.g. by-reference items)
    const char *concept_value; const char *concept_scheme; const char *concept_meaning;  // (0040,A043)
    const char *code_value; const char *code_scheme; const char *code_meaning;           // (0040,A168) CODE
    const char *numeric_value;     // (0040,A30A) of (0040,A300), raw DS text, may be multi-valued
    const char *unit_value; const char *unit_scheme; const char *unit_meaning;           // (0040,08EA)
    double floating_value;         // (0040,A161) when has_floating_value
    uint8_t has_floating_value;
    const char *text_value;        // (0040,A160) TEXT
    const char *uid_value;         // (0040,A124) UIDREF
    const char *datetime_value;    // (0040,A120) DATETIME, or (0040,A121)+(0040,A122) DATE/TIME
    const char *person_name;       // (0040,A123) PNAME
    const char *referenced_item;   // (0040,DB73) as "1\2\3" for by-reference items
} cdcm_sr_item;

typedef void (*cdcm_sr_visitor)(const cdcm_sr_item *item, void *context);

/// Walks the document root (the dataset's own concept name + ContentSequence, recursively) in
/// pre-order. Items deeper than max_depth are not visited and counted in `skipped_deeper`.
cdcm_status cdcm_sr_walk(cdcm_file *file, uint32_t max_depth, cdcm_sr_visitor visitor, void *context,
                         uint32_t *visited, uint32_t *skipped_deeper, cdcm_error *err);

// ---- DICOM over TLS (DCMTK's dcmtls, OpenSSL) --------------------------------------------------------

/// TLS for an association (PS3.15 B.9, the Non-downgrading BCP 195 profile: TLS 1.2 or newer, AES-GCM
/// ciphersuites). PEM files. Key and certificate: this end's identity (required to accept, optional
/// to request). Trusted certificates (CAs or the peers' own): when any are given the peer must present
/// a certificate they sign; with none, the peer is not asked for one (a requestor then cannot tell
/// whom it talks to: the caller decides whether to allow that).
typedef struct {
    const char *private_key_file;      // NULL: none
    const char *certificate_file;      // NULL: none
    const char *const *trusted_certificate_files;
    size_t trusted_certificate_count;
} cdcm_tls;

// ---- Receiving (a DICOM Storage SCP over DCMTK's dcmnet) -----------------------------------------

/// What an association being served asks and tells; every call comes from the thread serving it (for a
/// receiver serving several associations at once, from several threads).
typedef struct {
    void *context;
    /// Before a C-STORE's data set arrives: writes into `path` (of `path_size` bytes) the new file to
    /// receive it into. Returns 0, or nonzero to refuse the object (answered 0xA700, out of resources).
    int32_t (*file_for)(void *context, const char *sop_class_uid, const char *sop_instance_uid, char *path, size_t path_size);
    /// After: `complete` is 1 when the file at `path` holds the whole object (a Part 10 file, as sent),
    /// else 0 with DCMTK's reason. Returns the C-STORE response status (0x0000 success).
    uint16_t (*received)(void *context, const char *path, int32_t complete, const char *reason);
    /// An association accepted (`started` 1) or ended (0), by the calling AE title; optional.
    void (*association)(void *context, const char *calling_ae_title, int32_t started);
    /// Optional: whether to accept an association from this calling AE title (nonzero: accept); a
    /// refused one is rejected with "calling AE title not recognized" (PS3.8 §9.3.4).
    int32_t (*accepts_calling_ae)(void *context, const char *calling_ae_title);
} cdcm_receiver_callbacks;

/// A listening port (DCMTK's dcmnet acceptor) for associations to one AE title, offering C-ECHO and
/// C-STORE of the given SOP classes, each in all the given transfer syntaxes.
typedef struct cdcm_listener cdcm_listener;
/// An association request received on a listener, not yet answered.
typedef struct cdcm_incoming cdcm_incoming;

/// Opens `port` (CDCM_ERR_IO when it is taken or not allowed). With `other_classes` nonzero, every
/// other abstract syntax proposed is accepted too (in Explicit VR Little Endian, else Implicit VR Little
/// Endian, else the first transfer syntax proposed): for a receiver that keeps whatever it is sent.
/// With `tls` (NULL: plain TCP) every association is TLS (CDCM_ERR_ARGUMENT when the files do not load).
cdcm_status cdcm_listener_open(uint16_t port, const char *ae_title, const char *const *sop_class_uids, size_t sop_class_count,
                               const char *const *transfer_syntax_uids, size_t transfer_syntax_count, int32_t other_classes,
                               const cdcm_tls *tls, cdcm_listener **out, cdcm_error *err);
/// Waits up to `timeout_seconds` for a connection and reads its association request: `*out` is it, or
/// NULL when none came. `connected` (may be NULL) is called on this thread with `context` once a
/// connection is accepted, before its request (or TLS handshake) is read, which takes up to the ACSE
/// timeout (30 s) for a connection that stays silent. A connection that brought no association request
/// (other bytes, a failed TLS handshake, closed at once) is closed and reported as CDCM_ERR_IO with the
/// reason; the listener goes on.
cdcm_status cdcm_listener_wait(cdcm_listener *listener, int32_t timeout_seconds, void (*connected)(void *context), void *context,
                               cdcm_incoming **out, cdcm_error *err);
/// Negotiates the association on the calling thread, serves it until the sender releases or aborts
/// it (or it breaks, or is idle 60 s), and frees `incoming`. CDCM_ERR_IO when it ended in error.
cdcm_status cdcm_listener_serve(cdcm_listener *listener, cdcm_incoming *incoming, const cdcm_receiver_callbacks *callbacks,
                                cdcm_error *err);
/// The calling AE title the request names (as sent, possibly padded), valid while `incoming` is.
const char *cdcm_incoming_calling_ae(const cdcm_incoming *incoming);
/// Rejects the request as transient, "local limit exceeded" (PS3.8 §9.3.4), and frees `incoming`.
void cdcm_listener_refuse(cdcm_incoming *incoming);
/// Ends every read of an association request under way or to come (the connection is shut down; its
/// `cdcm_listener_wait` returns at once), from any thread: for stopping. Associations handed out go on.
void cdcm_listener_interrupt(cdcm_listener *listener);
/// Closes the port; every association it handed out must have been served or refused.
void cdcm_listener_close(cdcm_listener *listener);

// ---- Query / retrieve (a DICOM Q/R SCU over DCMTK's dcmnet, Study Root information model) ----------

typedef struct {
    const char *host;
    uint16_t port;
    const char *called_ae_title;   // the peer's AE title
    const char *calling_ae_title;  // ours
    int32_t timeout_seconds;       // for the association and for each response awaited
    const cdcm_tls *tls;           // NULL: plain TCP
} cdcm_peer;

/// One attribute of a query: a matching key (non-empty value) or a return key (empty value).
typedef struct {
    uint16_t group;
    uint16_t element;
    const char *value;
} cdcm_query_key;

typedef struct cdcm_association cdcm_association;

/// Opens an association to `peer` proposing Study Root Query/Retrieve FIND and MOVE (explicit and
/// implicit VR little endian) and, when `storage_count` > 0, GET with one presentation context in the
/// SCP role (PS3.7 D.3.3.4) per pair (storage_sop_class_uids[i], storage_transfer_syntax_uids[i]) for
/// the objects a C-GET brings. CDCM_ERR_IO when the peer cannot be reached or refuses.
cdcm_status cdcm_qr_open(const cdcm_peer *peer, const char *const *storage_sop_class_uids, const char *const *storage_transfer_syntax_uids,
                         size_t storage_count, cdcm_association **out, cdcm_error *err);

/// Releases the association (or aborts it when release fails) and frees it. NULL is ignored.
void cdcm_qr_close(cdcm_association *association);

/// A C-FIND match: the values (multi-valued ones joined by backslashes, "" when absent) of the keys'
/// attributes, in the keys' order; borrowed for the call.
typedef void (*cdcm_find_match)(void *context, const char *const *values, size_t count);

/// Sends one C-FIND with the keys and calls `on_match` for each pending response's identifier.
/// `final_status` is the DIMSE status of the last response (0x0000 when matching completed).
cdcm_status cdcm_qr_find(cdcm_association *association, const cdcm_query_key *keys, size_t key_count, cdcm_find_match on_match,
                         void *context, uint16_t *final_status, cdcm_error *err);

/// The last C-MOVE or C-GET response: its DIMSE status and its sub-operation counts.
typedef struct {
    uint16_t status;
    uint16_t remaining;
    uint16_t completed;
    uint16_t failed;
    uint16_t warning;
} cdcm_retrieve_result;

/// Sends one C-MOVE of what the keys identify to the AE `destination_ae_title` (which the peer must
/// know by host and port) and waits for its final response.
cdcm_status cdcm_qr_move(cdcm_association *association, const char *destination_ae_title, const cdcm_query_key *keys, size_t key_count,
                         cdcm_retrieve_result *result, cdcm_error *err);

/// Sends one C-GET of what the keys identify and receives its objects on this association, each
/// straight into the file `callbacks->file_for` names, then `callbacks->received` (the other callbacks
/// are not used). An object that cannot be received or placed (file_for or received refusing it) ends
/// the exchange: it is answered 0xC000 and DCMTK stops the C-GET.
cdcm_status cdcm_qr_get(cdcm_association *association, const cdcm_query_key *keys, size_t key_count, const cdcm_receiver_callbacks *callbacks,
                        cdcm_retrieve_result *result, cdcm_error *err);

#ifdef __cplusplus
}
#endif

#endif
