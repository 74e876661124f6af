import ArgumentParser
import Foundation

/// Errors the command-line layer raises itself (bad output, unusable flags). Library errors (FFmpegError,
/// config, catalog...) pass through unchanged: each already says what is wrong with what.
enum CLIError: Error, CustomStringConvertible {
    case cannotWrite(String)

    var description: String {
        switch self {
        case .cannotWrite(let what): return "cannot write \(what)"
        }
    }
}

/// The one place that turns an error into the process's last words:
/// - usage errors (unknown flag, missing argument, failed validation): `mediaserve: <message> (...)`, exit 2;
/// - `--help` / `--version`: ArgumentParser's text on stdout, exit 0;
/// - everything else: `mediaserve: <description>` as one line on stderr, exit 1.
enum CLIExit {
    static let usageStatus: Int32 = 2
    static let failureStatus: Int32 = 1

    static func fail(_ error: Error) -> Never {
        if let code = error as? ExitCode { exit(code.rawValue) }
        let code = MediaServe.exitCode(for: error)
        if code == .success { MediaServe.exit(withError: error) }
        if code == .validationFailure {
            printError("\(MediaServe.message(for: error)) (see '\(helpCommand())')")
            exit(usageStatus)
        }
        printError(String(describing: error))
        exit(failureStatus)
    }

    /// "mediaserve probe --help" when the arguments name a subcommand, else "mediaserve --help".
    static func helpCommand(arguments: [String] = CommandLine.arguments) -> String {
        let names = MediaServe.configuration.subcommands.compactMap { $0.configuration.commandName }
        if let first = arguments.dropFirst().first, names.contains(first) { return "mediaserve \(first) --help" }
        return "mediaserve --help"
    }

    /// Writes `mediaserve: <message>` to stderr, folded to one line.
    static func printError(_ message: String) {
        let line = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        FileHandle.standardError.write(Data("mediaserve: \(line)\n".utf8))
    }
}

extension MediaServe {
    /// Replaces ArgumentParser's default entry point only to route every error through `CLIExit`
    /// (ArgumentParser alone prints "Error: ..." and exits 64 for usage errors).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            CLIExit.fail(error)
        }
    }
}
