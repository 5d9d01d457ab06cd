import ArgumentParser

@main
struct CTDose: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctdose",
        abstract: "Audit CT radiation dose from DICOM images and dose reports.",
        subcommands: [ScanCommand.self, ExportCommand.self, ReportCommand.self, SlicesCommand.self, ReceiveCommand.self, RetrieveCommand.self]
    )
}
