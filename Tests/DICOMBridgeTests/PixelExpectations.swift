import Foundation
import Testing

/// Tests/DICOMBridgeTests/Fixtures/pixel-expectations.json, written by Scripts/make-pixel-fixtures.py
/// from pydicom + pylibjpeg (an independent decoder).
struct PixelExpectations: Decodable {
    struct Tolerance: Decodable {
        let maxAbsDiff: Int
        let maxMeanDiff: Double
        enum CodingKeys: String, CodingKey {
            case maxAbsDiff = "max_abs_diff"
            case maxMeanDiff = "max_mean_diff"
        }
    }

    struct FrameValues: Decodable {
        let sum: Int64
        let sumOfSquares: Int64
        let sha256: String
        /// (row, column, stored value of sample 0)
        let samples: [[Int64]]
        enum CodingKeys: String, CodingKey {
            case sum
            case sumOfSquares = "sum_of_squares"
            case sha256 = "sha256_int32_le"
            case samples
        }
    }

    /// Frame 0 through pydicom's modality LUT, and its padding count (see the script).
    struct HounsfieldFacts: Decodable, Sendable {
        let mean: Double
        let paddingCount: Int
        enum CodingKeys: String, CodingKey {
            case mean
            case paddingCount = "padding_count"
        }
    }

    struct File: Decodable, Sendable, CustomTestStringConvertible {
        let path: String
        let transferSyntax: String
        let rows: Int
        let columns: Int
        let frames: Int
        let samplesPerPixel: Int
        let lossless: Bool
        let frameValues: [FrameValues]
        let hounsfieldFrame0: HounsfieldFacts?
        enum CodingKeys: String, CodingKey {
            case path, rows, columns, frames, lossless
            case hounsfieldFrame0 = "hounsfield_frame0"
            case transferSyntax = "transfer_syntax"
            case samplesPerPixel = "samples_per_pixel"
            case frameValues = "frame_values"
        }
        var testDescription: String { path }
    }

    let lossyTolerance: Tolerance
    let files: [File]
    enum CodingKeys: String, CodingKey {
        case files
        case lossyTolerance = "lossy_tolerance"
    }

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pixel-expectations.json")

    static let shared: PixelExpectations = {
        do {
            return try JSONDecoder().decode(PixelExpectations.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()
}

extension PixelExpectations.FrameValues: Sendable {}
extension PixelExpectations.Tolerance: Sendable {}
