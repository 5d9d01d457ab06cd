/// "Size-method sensitivity": how many verdicts change when patient size is measured another way.
enum SensitivitySection {
    static func html(_ s: SizeMethodSensitivity) -> String {
        var out = "<section id=\"sensitivity\" aria-labelledby=\"sensitivity-heading\"><h2 id=\"sensitivity-heading\">Size-method sensitivity</h2>"
        out += "<p>Each evaluated exam re-computed with every diameter method (DLP definition held at <code>\(HTML.escape(s.dlpDefinition))</code>): "
            + "exams whose verdict differs from the reported one. \(s.examsFlippingUnderAnyVariantCount) of \(s.examsAnalysed) exams "
            + "are in range under one method × DLP definition and out of range under another (sensitivity.csv).</p>"
        let table = SortableTable(
            id: "sensitivity-table", caption: "Verdict changes per diameter method",
            columns: [.init("Diameter method"), .init("Exams compared", numeric: true), .init("Verdict differs", numeric: true),
                      .init("Share (%)", numeric: true), .init("Exams")],
            rows: s.methods.map { m in
                let share = m.examsCompared == 0 ? nil : 100 * Double(m.flippedCount) / Double(m.examsCompared)
                let unlisted = m.flippedCount - m.flippedStudyInstanceUIDs.count
                let more = unlisted > 0 ? ["and \(unlisted) more (sensitivity.csv)"] : []
                return [.text(m.diameterMethod), .count(m.examsCompared), .count(m.flippedCount), .number(share),
                        .html((m.flippedStudyInstanceUIDs.map { "<code>\(HTML.escape($0))</code>" } + more).joined(separator: "<br>"))]
            })
        return out + table.html + "</section>"
    }
}
