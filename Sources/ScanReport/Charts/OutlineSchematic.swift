/// A schematic of the mid-scan slice: an ellipse with the measured lateral (LAT) and
/// anterior-posterior (AP) extents, drawn to scale, annotated with Dw. The report has no pixels, so
/// this is not the image: it is labelled as a schematic.
public struct OutlineSchematic: Sendable {
    public var id: String
    public var apCentimeters: Double
    public var lateralCentimeters: Double
    public var waterEquivalentDiameterCentimeters: Double?
    public var sopInstanceUID: String?
    public var truncated: Bool

    public init(id: String, apCentimeters: Double, lateralCentimeters: Double, waterEquivalentDiameterCentimeters: Double?,
                sopInstanceUID: String?, truncated: Bool) {
        self.id = id
        self.apCentimeters = apCentimeters
        self.lateralCentimeters = lateralCentimeters
        self.waterEquivalentDiameterCentimeters = waterEquivalentDiameterCentimeters
        self.sopInstanceUID = sopInstanceUID
        self.truncated = truncated
    }

    static let size = 220.0
    /// Field of view drawn: 50 cm across (a typical scan field), so sizes compare between exams.
    static let fieldCentimeters = 50.0

    public var svg: String {
        let scale = (Self.size - 40) / Self.fieldCentimeters
        let cx = Self.size / 2
        let cy = Self.size / 2 - 6
        let rx = lateralCentimeters * scale / 2
        let ry = apCentimeters * scale / 2
        var body = "<rect x=\"0.5\" y=\"0.5\" width=\"\(SVG.n(Self.size - 1))\" height=\"\(SVG.n(Self.size - 1))\" fill=\"#fff\" stroke=\"#999\" stroke-dasharray=\"3 3\"/>"
        body += "<ellipse cx=\"\(SVG.n(cx))\" cy=\"\(SVG.n(cy))\" rx=\"\(SVG.n(rx))\" ry=\"\(SVG.n(ry))\" fill=\"\(ChartPalette.skyBlue)\" fill-opacity=\"0.35\" stroke=\"\(ChartPalette.blue)\" stroke-width=\"2\"\(truncated ? " stroke-dasharray=\"6 3\"" : "")/>"
        body += SVG.line(cx - rx, cy, cx + rx, cy, stroke: "#000", dash: "2 2")
        body += SVG.line(cx, cy - ry, cx, cy + ry, stroke: "#000", dash: "2 2")
        // Labels sit in the corners, clear of the ellipse whatever its size.
        body += SVG.text(8, 16, "LAT \(HTML.number(lateralCentimeters)) cm", anchor: "start", size: 10)
        body += SVG.text(8, 30, "AP \(HTML.number(apCentimeters)) cm", anchor: "start", size: 10)
        if let dw = waterEquivalentDiameterCentimeters {
            body += SVG.text(Self.size - 8, 16, "Dw \(HTML.number(dw)) cm", anchor: "end", size: 11, weight: "bold")
        }
        body += SVG.text(cx, Self.size - 8, "Schematic, not the image (50 cm field)" + (truncated ? "; truncated" : ""), size: 9, fill: "#444")
        let description = "Schematic ellipse of the mid-scan slice\(sopInstanceUID.map { " \($0)" } ?? ""): lateral \(HTML.number(lateralCentimeters)) cm, "
            + "AP \(HTML.number(apCentimeters)) cm, water-equivalent diameter \(HTML.number(waterEquivalentDiameterCentimeters)) cm"
            + (truncated ? "; the body outline touches the edge of the field of view." : ".")
        return SVG.image(id: id, width: Self.size, height: Self.size, title: "Mid-scan slice size (schematic)", description: description, body: body)
    }
}
