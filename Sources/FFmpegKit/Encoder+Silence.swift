import CFFmpeg

extension Encoder {
    /// `count` AAC-LC frames (1024 samples each) of digital silence at `sampleRate` and `channels`, from a
    /// fresh encoder of FFmpeg's: any AAC-LC decoder configured the same way decodes them to zeros. A
    /// copied (`--copy`) AAC track is padded with them so it starts at the same instant as its video.
    public static func silentAACFrames(count: Int, sampleRate: Int, channels: Int) throws(FFmpegError) -> [[UInt8]] {
        guard count > 0 else { return [] }
        let encoder = try Encoder.aac(sampleRate: sampleRate, channels: channels, bitrateKbps: 32 * channels)
        let packet = Packet()
        var frames: [[UInt8]] = []
        var pts: Int64 = 0
        while frames.count < count {
            let frame = try silentFrame(samples: encoder.frameSize, like: encoder.context)
            frame.pts = pts
            pts += Int64(encoder.frameSize)
            _ = try encoder.send(frame)
            while frames.count < count, try encoder.receive(into: packet) { frames.append(packet.bytes) }
        }
        return frames
    }

    private static func silentFrame(samples: Int, like context: UnsafeMutablePointer<AVCodecContext>) throws(FFmpegError) -> Frame {
        let frame = Frame()
        let f = frame.pointer
        f.pointee.nb_samples = Int32(samples)
        f.pointee.format = context.pointee.sample_fmt.rawValue
        f.pointee.sample_rate = context.pointee.sample_rate
        try check(av_channel_layout_copy(&f.pointee.ch_layout, &context.pointee.ch_layout), "av_channel_layout_copy")
        try check(av_frame_get_buffer(f, 0), "av_frame_get_buffer")
        try check(av_samples_set_silence(f.pointee.extended_data, 0, Int32(samples), context.pointee.ch_layout.nb_channels,
                                         context.pointee.sample_fmt), "av_samples_set_silence")
        return frame
    }
}

extension Packet {
    /// A packet holding `bytes`, presented and decoded at `pts` for `duration` ticks, a sync sample.
    public convenience init(bytes: [UInt8], pts: Int64, duration: Int64) {
        self.init()
        guard av_new_packet(pointer, Int32(bytes.count)) == 0 else { fatalError("av_new_packet: out of memory") }
        bytes.withUnsafeBufferPointer { pointer.pointee.data.update(from: $0.baseAddress!, count: bytes.count) }
        pointer.pointee.pts = pts
        pointer.pointee.dts = pts
        pointer.pointee.duration = duration
        pointer.pointee.flags |= AV_PKT_FLAG_KEY
    }
}
