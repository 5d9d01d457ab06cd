import Foundation

/// The answer to a STOW-RS request (PS3.18 §10.5): its HTTP status and the Store Instances Response
/// Module (PS3.18 §10.5.3.1) in DICOM JSON (PS3.18 F.2): Referenced SOP Sequence (0008,1199) for the
/// objects stored, Failed SOP Sequence (0008,1198) with a Failure Reason (0008,1197) for the others.
struct STOWResponse: Equatable {
    struct Object: Equatable {
        var sopClassUID: String?
        var sopInstanceUID: String?
    }

    struct Failure: Equatable {
        var object: Object
        /// A C-STORE failure status (PS3.4 Annex B, PS3.7 C.4.2.1.4).
        var reason: UInt16
    }

    /// "Error: Cannot understand": a part that is not a DICOM object.
    static let cannotUnderstand: UInt16 = 0xC000
    /// "Refused: SOP Class not supported".
    static let sopClassNotSupported: UInt16 = 0x0122
    /// "Refused: Out of Resources": the object could not be kept.
    static let outOfResources: UInt16 = 0xA700

    var stored: [Object] = []
    var failed: [Failure] = []
    /// The body could not be read to its end (a part or the closing delimiter missing).
    var malformed = false

    mutating func add(_ outcome: IncomingFolder.ObjectOutcome) {
        switch outcome {
        case .placed(let sopClass, let sopInstance): stored.append(Object(sopClassUID: sopClass, sopInstanceUID: sopInstance))
        case .notDICOM: failed.append(Failure(object: Object(), reason: Self.cannotUnderstand))
        case .classNotAccepted(let sopClass, let sopInstance):
            failed.append(Failure(object: Object(sopClassUID: sopClass, sopInstanceUID: sopInstance), reason: Self.sopClassNotSupported))
        case .notPlaced(let sopClass, let sopInstance, _):
            failed.append(Failure(object: Object(sopClassUID: sopClass, sopInstanceUID: sopInstance), reason: Self.outOfResources))
        }
    }

    /// 200 when every object was stored, 202 when some were, 409 when none was (PS3.18 §10.5.3); 400 for
    /// a body cut short.
    var status: Int {
        if malformed { return 400 }
        if failed.isEmpty && !stored.isEmpty { return 200 }
        return stored.isEmpty ? 409 : 202
    }

    var json: Data {
        func item(_ object: Object) -> [String: Any] {
            var attributes: [String: Any] = [:]
            if let uid = object.sopClassUID, !uid.isEmpty { attributes["00081150"] = ["vr": "UI", "Value": [uid]] }
            if let uid = object.sopInstanceUID, !uid.isEmpty { attributes["00081155"] = ["vr": "UI", "Value": [uid]] }
            return attributes
        }
        var body: [String: Any] = [:]
        if !stored.isEmpty { body["00081199"] = ["vr": "SQ", "Value": stored.map(item)] }
        if !failed.isEmpty {
            body["00081198"] = ["vr": "SQ", "Value": failed.map { failure -> [String: Any] in
                var attributes = item(failure.object)
                attributes["00081197"] = ["vr": "US", "Value": [Int(failure.reason)]]
                return attributes
            }]
        }
        return (try? JSONSerialization.data(withJSONObject: body, options: .sortedKeys)) ?? Data("{}".utf8)
    }
}
