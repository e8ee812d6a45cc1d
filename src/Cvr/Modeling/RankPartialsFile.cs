using System.Security.Cryptography;
using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>
/// One rank's partial feature states of one round (<see cref="RankPartials"/>), little-endian: the magic
/// <c>CVRPARTS</c>, the format version (int32), the <see cref="Header"/> (build, data fingerprint, fit key and round as
/// UTF-8 strings with a length; fit, rank and ranks as int32), the payload (a length, the bytes), and a SHA-256 of
/// everything before it, which the reader checks. Written atomically (temporary sibling, then rename).
/// </summary>
internal static class RankPartialsFile
{
    private static ReadOnlySpan<byte> Magic => "CVRPARTS"u8;

    private const int Version = 1;

    private const int DigestBytes = 32;

    /// <summary>Which run, fit, round and rank a file is of: a reader takes only the file of its own run's round.</summary>
    public sealed record Header(string Build, string Data, string FitKey, int Fit, string Round, int Rank, int Ranks)
    {
        /// <summary>How <paramref name="found"/> differs from this one, or null when it is this one.</summary>
        public string? Differs(Header found) => found switch
        {
            _ when found.Build != Build => $"build {found.Build}, this rank runs {Build}",
            _ when found.Data != Data => $"data {found.Data}, this rank read {Data}",
            _ when found.Ranks != Ranks => $"a job of {found.Ranks} ranks, this one has {Ranks}",
            _ when found.FitKey != FitKey || found.Fit != Fit => $"fit {found.FitKey}, this rank fits {FitKey}",
            _ when found.Round != Round || found.Rank != Rank => $"rank {found.Rank}'s round {found.Round}, expected rank {Rank}'s round {Round}",
            _ => null,
        };
    }

    /// <summary>Writes the file, hashing as it goes: the payload is written as it is, never copied.</summary>
    public static void Write(string path, Header header, ReadOnlyMemory<byte> payload) => IO.AtomicFile.Write(path, stream =>
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            hash.AppendData(bytes);
        }
        Put(PartialFormat.Serialise(w =>
        {
            w.Write(Magic);
            w.Write(Version);
            w.WriteString(header.Build);
            w.WriteString(header.Data);
            w.WriteString(header.FitKey);
            w.WriteString(header.Round);
            w.Write(header.Fit);
            w.Write(header.Rank);
            w.Write(header.Ranks);
            w.Write(payload.Length); // the payload's count, as PartialFormat writes an array of bytes
        }));
        Put(payload.Span);
        stream.Write(hash.GetHashAndReset());
    });

    /// <summary>The header and payload of a file; (null, empty) when it isn't a partials file of this format version
    /// (another cvr wrote it: the caller waits past it as it waits past another run's).</summary>
    /// <exception cref="IOException">A file of this format whose digest doesn't match its bytes.</exception>
    public static (Header? Header, ReadOnlyMemory<byte> Payload) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + sizeof(int) + DigestBytes || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic)
            || System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length)) != Version)
        {
            return (null, default);
        }
        var body = bytes.AsMemory(0, bytes.Length - DigestBytes);
        var digest = SHA256.HashData(body.Span);
        if (!digest.AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - DigestBytes)))
        {
            throw new IOException($"{path}: damaged: its bytes' SHA-256 is {Convert.ToHexStringLower(digest)}, its trailer says "
                + $"{Convert.ToHexStringLower(bytes.AsSpan(bytes.Length - DigestBytes))}; the features are not fitted");
        }
        try
        {
            // The payload is the file's last field: returned as a slice of the bytes read, not a copy of it.
            var headerEnd = 0;
            var header = PartialFormat.Deserialise<Header>(body[(Magic.Length + sizeof(int))..], r =>
            {
                var (build, data, fitKey, round) = (r.ReadText(), r.ReadText(), r.ReadText(), r.ReadText());
                var read = new Header(build, data, fitKey, r.ReadInt32(), round, r.ReadInt32(), r.ReadInt32());
                var length = r.ReadCount(1);
                headerEnd = Magic.Length + sizeof(int) + (int)r.BaseStream.Position;
                r.BaseStream.Position += length;
                return read;
            }, path);
            return (header, body[headerEnd..]);
        }
        catch (InvalidDataException e)
        {
            throw new IOException($"{path}: not a partials file though its digest matches ({e.Message}); the features are not fitted", e);
        }
    }
}
