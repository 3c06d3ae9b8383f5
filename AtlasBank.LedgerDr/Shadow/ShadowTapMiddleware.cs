using System.Diagnostics;

namespace AtlasBank.LedgerDr.Shadow;

/// <summary>
/// Copies what a sampled response writes, up to a limit, while passing every byte on. Runs after routing
/// (WebApplication routes first when Program.cs does not call UseRouting), so the matched endpoint is known.
/// </summary>
public static class ShadowTapMiddleware
{
    public static IApplicationBuilder UseShadowTap(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var tap = context.RequestServices.GetService<ShadowTap>();
        if (tap is null || !tap.ShouldSample(context))
        {
            await next(context);
            return;
        }

        var original = context.Response.Body;
        await using var tee = new CappedTeeStream(original, tap.Options.MaxBodyBytes);
        context.Response.Body = tee;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        tap.Capture(context, tee.Captured, tee.Truncated, Stopwatch.GetElapsedTime(started));
    });

    private sealed class CappedTeeStream(Stream inner, int limit) : Stream
    {
        private readonly MemoryStream _copy = new();

        public ReadOnlySpan<byte> Captured => _copy.GetBuffer().AsSpan(0, (int)_copy.Length);

        public bool Truncated { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Keep(buffer.AsSpan(offset, count));
            inner.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Keep(buffer.Span);
            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _copy.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Keep(ReadOnlySpan<byte> bytes)
        {
            var room = limit - (int)_copy.Length;
            if (bytes.Length > room)
            {
                Truncated = true;
                bytes = bytes[..Math.Max(room, 0)];
            }

            _copy.Write(bytes);
        }
    }
}
