import Foundation
import LiveSegmenting
import TestSupport

/// Live events as the segmenter under test reports them.
typealias EventLog = RecordedEvents<LiveEvent>
