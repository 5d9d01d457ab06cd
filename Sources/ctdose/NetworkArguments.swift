import ArgumentParser

/// `--ae-title` and `--port`: this machine's DICOM application entity, for `receive` and `retrieve`.
struct LocalAEArguments: ParsableArguments {
    @Option(name: .long, help: "TCP port to receive on (11112: the registered DICOM port).")
    var port: UInt16 = 11112

    @Option(name: .long, help: "This machine's AE title, up to 16 characters.")
    var aeTitle = "CTDOSE"

    func validate() throws {
        try Self.check(aeTitle, option: "--ae-title")
    }

    /// 1 to 16 characters of the default repertoire, no backslash, no control characters (PS3.5 §6.2, AE).
    static func check(_ title: String, option: String) throws {
        guard !title.isEmpty, title.count <= 16, title.allSatisfy({ $0.isASCII && $0 != "\\" && !$0.isNewline }) else {
            throw ValidationError("\(option) must be 1 to 16 ASCII characters without a backslash (PS3.5 §6.2, AE)")
        }
    }
}
