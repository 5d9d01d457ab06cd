import Testing
@testable import DoseModel
@testable import DoseValidation

@Suite struct DoseAlertTests {
    private func exam(_ event: IrradiationEvent, age: String? = nil) -> Exam {
        Fixture.exam([Fixture.examEvent(event)], age: age)
    }

    @Test func adultHeadAboveEightyMilligray() throws {
        let above = exam(Fixture.event("e1", ctdi: 85, phantom: .head16cm, protocolName: "Brain"))
        let finding = try #require(Fixture.findings(.ctdiVolAboveNotificationValue, above).first)
        #expect(finding.expected == "≤ 80 mGy")
        #expect(finding.reference?.contains("unverified") == true)
        #expect(Fixture.findings(.ctdiVolAboveNotificationValue,
                                 exam(Fixture.event("e1", ctdi: 70, phantom: .head16cm, protocolName: "Brain"))).isEmpty)
    }

    @Test func headOnTheBodyPhantomIsComparedAfterConversion() {
        // 80 mGy (16 cm) / 2.3 = 34.8 mGy on the 32 cm phantom.
        let findings = Fixture.findings(.ctdiVolAboveNotificationValue,
                                        exam(Fixture.event("e1", ctdi: 40, phantom: .body32cm, protocolName: "Head")))
        #expect(findings.first?.expected == "≤ 34.78 mGy")
        #expect(findings.first?.message.contains("ACR factor 2.3") == true)
    }

    @Test func categoriesFollowProtocolAndAge() {
        // Brain perfusion: 500 mGy is below 600.
        #expect(Fixture.findings(.ctdiVolAboveNotificationValue,
                                 exam(Fixture.event("e1", .sequenced, ctdi: 500, phantom: .head16cm, protocolName: "Neuro Perfusion"))).isEmpty)
        // A 1-year-old's head: 55 mGy is above 50.
        #expect(Fixture.findings(.ctdiVolAboveNotificationValue,
                                 exam(Fixture.event("e1", ctdi: 55, phantom: .head16cm, protocolName: "Head"), age: "012M")).count == 1)
        // Adult torso 45 mGy passes, cardiac spiral 120 mGy passes (150), adult torso 60 fails.
        #expect(Fixture.findings(.ctdiVolAboveNotificationValue, exam(Fixture.event("e1", ctdi: 45, protocolName: "Chest"))).isEmpty)
        #expect(Fixture.findings(.ctdiVolAboveNotificationValue,
                                 exam(Fixture.event("e1", ctdi: 120, protocolName: "Cardiac CTA"))).isEmpty)
        #expect(Fixture.findings(.ctdiVolAboveNotificationValue, exam(Fixture.event("e1", ctdi: 60, protocolName: "Chest"))).count == 1)
    }

    @Test func keywordsFollowTheSettingsOfEachValidation() {
        // The classifier of the last settings is reused; other keywords must not see it.
        let schaedel = exam(Fixture.event("e1", ctdi: 85, phantom: .head16cm, protocolName: "Schaedel"))
        var german = ValidationSettings()
        german.headKeywords.append("SCHÄDEL")
        german.headKeywords.append("schaedel")
        for _ in 0..<2 {
            #expect(Fixture.findings(.ctdiVolAboveNotificationValue, schaedel).isEmpty)  // no anatomy: no category
            #expect(Fixture.findings(.ctdiVolAboveNotificationValue, schaedel, settings: german).count == 1)
        }
    }

    @Test func dlpNotificationOnlyWhenConfigured() {
        let event = exam(Fixture.event("e1", ctdi: 10, dlp: 1500, protocolName: "Abdomen"))
        #expect(Fixture.findings(.dlpAboveNotificationValue, event).isEmpty)
        var settings = ValidationSettings()
        settings.notificationValues[.adultTorso]?.dlpMilligrayCentimeters = 1000
        #expect(Fixture.findings(.dlpAboveNotificationValue, event, settings: settings).first?.expected == "≤ 1000 mGy·cm")
    }

    @Test func alertValueIsAnError() {
        let findings = Fixture.findings(.ctdiVolAboveAlertValue, exam(Fixture.event("e1", .stationary, ctdi: 1200)))
        #expect(findings.first?.severity == .error)
        #expect(Fixture.findings(.ctdiVolAboveAlertValue, exam(Fixture.event("e1", .stationary, ctdi: 900))).isEmpty)
    }

    @Test func scannerDoseCheckAlertAndNotification() {
        var check = DoseCheckDetails()
        check.dlpAlertValueConfigured = true
        check.dlpAlertValueMilligrayCentimeters = 1000
        check.accumulatedDLPForwardEstimateMilligrayCentimeters = 1200
        check.ctdiVolNotificationValueConfigured = true
        check.ctdiVolNotificationValueMilligray = 50
        check.ctdiVolForwardEstimateMilligray = 60
        check.reasonsForProceeding = ["obese patient"]
        var event = Fixture.event("e1", ctdi: 60)
        event.doseCheck = check
        let alert = Fixture.findings(.scannerDoseAlert, exam(event))
        #expect(alert.count == 1)
        #expect(alert.first?.actual == "1200 mGy·cm")
        #expect(alert.first?.message.contains("obese patient") == true)
        #expect(Fixture.findings(.scannerDoseNotification, exam(event)).first?.expected == "≤ 50 mGy")
    }

    @Test func configuredButNotExceededDoseCheckIsSilent() {
        var check = DoseCheckDetails()
        check.ctdiVolNotificationValueConfigured = true
        check.ctdiVolNotificationValueMilligray = 50
        check.ctdiVolForwardEstimateMilligray = 20
        var event = Fixture.event("e1", ctdi: 20)
        event.doseCheck = check
        #expect(Fixture.findings(.scannerDoseAlert, exam(event)).isEmpty)
        #expect(Fixture.findings(.scannerDoseNotification, exam(event)).isEmpty)
        // A reason for proceeding alone is still reported.
        event.doseCheck?.reasonsForProceeding = ["repeat scan"]
        #expect(Fixture.findings(.scannerDoseNotification, exam(event)).count == 1)
    }

    @Test func patientAgeParsing() {
        #expect(AnatomyClassifier.ageYears("045Y") == 45)
        #expect(AnatomyClassifier.ageYears("018M") == 1.5)
        #expect(AnatomyClassifier.ageYears("") == nil)
        #expect(AnatomyClassifier.ageYears("abc") == nil)
    }
}

@Suite struct KeywordListTests {
    @Test func keywordsMatchAsUppercasedSubstrings() {
        let cardiac = KeywordList(["ca score", "", "Cardiac"])
        #expect(cardiac.occurs(in: "CT CA SCORE"))
        #expect(cardiac.occurs(in: "CARDIAC"))
        #expect(!cardiac.occurs(in: "CA"))            // shorter than every keyword
        #expect(!cardiac.occurs(in: "CASCORE CARDI"))  // no keyword whole
        #expect(!KeywordList([]).occurs(in: "HEAD"))
        #expect(!KeywordList([""]).occurs(in: "HEAD"))
        #expect(KeywordList(["tête"]).occurs(in: "SCANNER TÊTE"))
        #expect(!KeywordList(["tête"]).occurs(in: "SCANNER TETE"))
    }
}
