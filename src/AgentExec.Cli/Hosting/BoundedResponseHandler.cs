using System.Globalization;
using System.Net;

namespace AgentExec.Cli.Hosting;

/// <summary>
/// Refuses a risk-model answer larger than a bound, while it is read: OpenAI's client reads a whole response into
/// memory before it looks at it, so an endpoint that answers with gigabytes made the server hold them.
/// </summary>
/// <remarks>
/// The endpoint may be the agent's own (a <c>.env</c> in the workspace may name both the key and the URL, see
/// docs/risk-assessment.md), and the budget bounds only the time: a local stub sent 1.6 GB into one assessment within
/// the 5 s, and eight questions at once held 2.5 GB (found by an attack). A real assessment is a few hundred bytes.
/// Past the bound the read fails, which the assessor records as <c>model_error</c>, and the question is asked without a
/// risk, as for any endpoint failure. Redirects are not followed, as by the OpenAI client's own transport: a 307 from
/// the endpoint would send the request again, with the command, its directory and its output, to another host.
/// </remarks>
internal sealed class BoundedResponseHandler(long maxBytes) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    /// <summary>The largest answer read: a chat completion with a 400-token assessment is a few KiB.</summary>
    public const long DefaultMaxBytes = 1024 * 1024;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            response.Dispose();
            throw new HttpRequestException(TooLarge(maxBytes), null, HttpStatusCode.OK);
        }

        var original = response.Content;
        var bounded = new StreamContent(new BoundedStream(await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), maxBytes));
        foreach (var header in original.Headers)
        {
            bounded.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = bounded;
        return response;
    }

    private static string TooLarge(long maxBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"the endpoint's answer is larger than {maxBytes} bytes; an assessment is a few hundred");

    // Reads through to the inner stream and fails once more than the bound has been read.
    private sealed class BoundedStream(Stream inner, long maxBytes) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Count(int got)
        {
            _read += got;
            if (_read > maxBytes)
            {
                throw new IOException(TooLarge(maxBytes));
            }

            return got;
        }
    }
}
