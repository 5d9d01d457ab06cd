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
