import Foundation
import Testing

@testable import QualityMeasures
import DoseModel

@Suite("Category rules on realistic names")
struct CategoryRuleTests {
    static let studyDescriptions: [(String, String)] = [
        ("CT HEAD WO CONTRAST", "headRoutineDose"),
        ("CT BRAIN PERFUSION", "headHighDose"),
        ("CTA HEAD AND NECK W CONTRAST", "simultaneousHeadNeckHighDose"),
        ("CT HEAD AND C-SPINE WO", "simultaneousHeadNeckRoutineDose"),
        ("CT SOFT TISSUE NECK W CONTRAST", "neckOrCervicalSpine"),
        ("CT CERVICAL SPINE WO CONTRAST", "neckOrCervicalSpine"),
        ("CT CHEST WO CONTRAST", "chestRoutineDose"),
        ("CT LDCT LUNG CANCER SCREENING", "chestLowDose"),
        ("CTA CHEST PE PROTOCOL", "cardiacOrChestHighDose"),
        ("CT CARDIAC CALCIUM SCORE", "cardiacLowDose"),
        ("CTA CORONARY ARTERIES", "cardiacOrChestHighDose"),
        ("CT ABDOMEN PELVIS W CONTRAST", "abdomenPelvisRoutineDose"),
        ("CT ABD/PEL RENAL STONE PROTOCOL", "abdomenPelvisLowDose"),
        ("CT KUB", "abdomenPelvisLowDose"),
        ("CT UROGRAM", "abdomenPelvisHighDose"),
        ("CT ABDOMEN PELVIS W WO CONTRAST", "abdomenPelvisHighDose"),
        ("CT CHEST ABDOMEN PELVIS W CONTRAST", "simultaneousChestAbdomenPelvis"),
        ("CT L-SPINE WO", "thoracicOrLumbarSpine"),
        ("CT THORACIC AND LUMBAR SPINE", "simultaneousThoracicLumbarSpine"),
        ("CT KNEE RIGHT WO", "extremity"),
        ("CT WHOLE BODY TRAUMA", "fullBody"),
        ("CT TRAUMA HEAD TO PELVIS", "fullBody"),
        ("PET/CT SKULL BASE TO THIGH", "fullBody"),
        ("CT PE STUDY", "cardiacOrChestHighDose"),
        ("CT HEAD WWO", "headHighDose"),
        ("CT LIVER 3 PHASE", "abdomenPelvisHighDose"),
        ("CT HEAD/CSPINE WO", "simultaneousHeadNeckRoutineDose"),
        ("CT ANGIO CHEST W/WO CONTRAST", "cardiacOrChestHighDose"),
        ("CT SHOULDER LT WO", "extremity"),
        ("CT CHEST/ABDOMEN/PELVIS W CONTRAST", "simultaneousChestAbdomenPelvis"),
    ]

    @Test("study descriptions", arguments: studyDescriptions)
    func studyDescription(text: String, expected: String) throws {
        let assigner = try CategoryAssigner(rules: CategoryRuleSet.bundled())
        let assignment = assigner.assign(ExamDescriptors(studyDescription: text))
        #expect(assignment.categoryId == expected, "\(text): \(assignment)")
    }

    @Test("remembering which pattern each text matched changes no assignment, evidence included")
    func rememberedTextMatchesChangeNothing() throws {
        let rules = try CategoryRuleSet.bundled()
        // Few texts remembered, so that the memory fills and empties many times over the draws.
        let remembering = try CategoryAssigner(rules: rules, rememberedAssignments: 0, rememberedTextMatches: 500)
        let searching = try CategoryAssigner(rules: rules, rememberedAssignments: 0, rememberedTextMatches: 0)
        // Words the rules look for (the patterns' letters and digits), other words, and separators,
        // drawn by a fixed generator into many descriptor sets of one to four texts.
        var patterns: [String] = rules.explicitRules.flatMap { $0.patterns ?? [] }
        patterns += rules.regionDetectors.flatMap { $0.patterns ?? [] }
        patterns += rules.modifierDetectors.flatMap { $0.patterns ?? [] }
        var ruleWords = Set<String>()
        for pattern in patterns {
            let letters = pattern.replacingOccurrences(of: #"\\[bdsw]"#, with: " ", options: .regularExpression)
            ruleWords.formUnion(letters.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
        }
        let words = ruleWords.sorted() + ["CT", "WO", "W/WO", "CONTRAST", "RIGHT", "LT", "PROTOCOL", "ROUTINE", "Thorax", "AbdomenRoutine", "1.25mm", "ax"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func text() -> String {
            (0...next(4)).map { _ in words[next(words.count)] }.joined(separator: [" ", "/", "_", "-", " "][next(5)])
        }
        #expect(ruleWords.count > 100)
        var categorised = 0
        for _ in 0..<3000 {
            let descriptors = ExamDescriptors(
                studyDescription: text(), requestedProcedureDescriptions: next(3) == 0 ? [text()] : [],
                protocolNames: (0..<next(3)).map { _ in text() }, seriesDescriptions: (0..<next(4)).map { _ in text() })
            let assignment = remembering.assign(descriptors)
            #expect(assignment == searching.assign(descriptors), "\(descriptors)")
            if assignment.categoryId != nil { categorised += 1 }
        }
        #expect(categorised > 300)  // the draws reach the rules, not only "uncategorized"
        for (description, _) in Self.studyDescriptions {
            let descriptors = ExamDescriptors(studyDescription: description)
            #expect(remembering.assign(descriptors) == searching.assign(descriptors))
        }
    }

    @Test("an assigner that remembers few assignments gives, on repeats and after forgetting, what fresh assigners give")
    func rememberedAssignmentsChangeNothing() throws {
        let rules = try CategoryRuleSet.bundled()
        let remembering = try CategoryAssigner(rules: rules, rememberedAssignments: 3)
        let exams = Self.studyDescriptions.map { ExamDescriptors(studyDescription: $0.0) }
        for descriptors in exams + exams.reversed() + exams {
            let fresh = try CategoryAssigner(rules: rules).assign(descriptors)
            #expect(remembering.assign(descriptors) == fresh)
        }
        #expect(remembering.assign(exams[0], override: "extremity").categoryId == "extremity")
        #expect(remembering.assign(exams[0]).categoryId == Self.studyDescriptions[0].1)
    }

    @Test("Siemens camelCase protocol names")
    func protocolNames() throws {
        let assigner = try CategoryAssigner(rules: CategoryRuleSet.bundled())
        #expect(assigner.assign(ExamDescriptors(protocolNames: ["ThoraxRoutine"])).categoryId == "chestRoutineDose")
        #expect(assigner.assign(ExamDescriptors(protocolNames: ["LungLowDose"])).categoryId == "chestLowDose")
        #expect(assigner.assign(ExamDescriptors(protocolNames: ["HeadRoutine"])).categoryId == "headRoutineDose")
        #expect(assigner.assign(ExamDescriptors(protocolNames: ["Polytrauma"])).categoryId == "fullBody")
        #expect(assigner.assign(ExamDescriptors(protocolNames: ["CaScore"])).categoryId == "cardiacLowDose")
        #expect(assigner.assign(ExamDescriptors(protocolNames: ["CoronaryCTA"])).categoryId == "cardiacOrChestHighDose")
        #expect(assigner.assign(ExamDescriptors(protocolNames: ["Thorax_Abdomen"])).categoryId == "simultaneousChestAbdomenPelvis")
    }

    @Test("CPT codes combine regions: 71260 + 74177 → chest-abdomen-pelvis; 71271 → chest low dose")
    func cptCodes() throws {
        let assigner = try CategoryAssigner(rules: CategoryRuleSet.bundled())
        #expect(assigner.assign(ExamDescriptors(studyDescription: "OUTSIDE STUDY", cptCodes: ["71260", "74177"])).categoryId == "simultaneousChestAbdomenPelvis")
        #expect(assigner.assign(ExamDescriptors(cptCodes: ["71271"])).categoryId == "chestLowDose")
    }

    @Test("structured fallbacks: target region code and body part; series descriptions only when nothing else names a region")
    func structuredFallbacks() throws {
        let assigner = try CategoryAssigner(rules: CategoryRuleSet.bundled())
        let target = ExamDescriptors(studyDescription: "CT EXAM", targetRegions: [CodedConcept("51185008", "SCT")])
        #expect(assigner.assign(target).categoryId == "chestRoutineDose")
        // One code for three regions (CID 4030; R-FAB56 as the corpus's Toshiba RDSR writes it).
        for code in [CodedConcept("R-FAB56", "SRT", "Chest, Abdomen and Pelvis"), CodedConcept("416775004", "SCT")] {
            #expect(assigner.assign(ExamDescriptors(targetRegions: [code])).categoryId == "simultaneousChestAbdomenPelvis")
        }
        #expect(assigner.assign(ExamDescriptors(bodyPartsExamined: ["HEAD"])).categoryId == "headRoutineDose")
        let series = ExamDescriptors(studyDescription: "CT HEAD", seriesDescriptions: ["Lung 1.0 B70f"])
        #expect(assigner.assign(series).categoryId == "headRoutineDose")
        #expect(assigner.assign(ExamDescriptors(seriesDescriptions: ["Abdomen 3.0 Br40"])).categoryId == "abdomenPelvisRoutineDose")
    }

    @Test("nothing matched → uncategorized with the exact failing text, never Full Body")
    func uncategorized() throws {
        let assigner = try CategoryAssigner(rules: CategoryRuleSet.bundled())
        let assignment = assigner.assign(ExamDescriptors(studyDescription: "OUTSIDE FILMS READ", protocolNames: ["Service 1"]))
        #expect(assignment.categoryId == nil)
        guard case .uncategorized(let reason) = assignment.outcome else {
            Issue.record("expected uncategorized")
            return
        }
        #expect(reason.contains("studyDescription='OUTSIDE FILMS READ'"))
        #expect(reason.contains("protocolName='Service 1'"))
        // multi-region outside the combined groupings: uncategorized too, with the regions named
        let multi = assigner.assign(ExamDescriptors(studyDescription: "CT NECK CHEST ABDOMEN PELVIS"))
        #expect(multi.categoryId == nil)
        #expect(multi.regions == ["abdomenPelvis", "chest", "neck"])
        #expect(assigner.assign(ExamDescriptors(studyDescription: "CT GUIDED BIOPSY")).categoryId == nil)
    }

    @Test("a user rules file replaces the default")
    func userRules() throws {
        let json = """
            {"schemaVersion":1,"provenance":"test","explicitRules":[{"id":"x","category":"extremity","patterns":["\\\\bfoo\\\\b"]}],
             "regionSourceTiers":[],"regionDetectors":[],"modifierDetectors":[],"modifierPrecedence":[],"combinations":[]}
            """
        let rules = try JSONDecoder().decode(CategoryRuleSet.self, from: Data(json.utf8))
        let assigner = try CategoryAssigner(rules: rules)
        #expect(assigner.assign(ExamDescriptors(studyDescription: "CT FOO")).categoryId == "extremity")
        #expect(assigner.assign(ExamDescriptors(studyDescription: "CT HEAD")).categoryId == nil)
    }
}
