namespace AgentExec.Core.Approval;

/// <summary>Bounds how many questions may wait for a human at once (SPEC.md: 64); beyond that a call is denied.</summary>
public sealed class PendingQuestionLimit
{
    /// <summary>The limit SPEC.md sets.</summary>
    public const int DefaultLimit = 64;

    private readonly int _limit;
    private int _pending;

    /// <summary>Creates a limit of <paramref name="limit"/> questions at once.</summary>
    public PendingQuestionLimit(int limit = DefaultLimit) => _limit = limit;

    /// <summary>Questions waiting right now.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Takes a place, or returns null when all places are taken. Dispose the result to give the place back.</summary>
    public IDisposable? TryEnter()
    {
        if (Interlocked.Increment(ref _pending) > _limit)
        {
            Interlocked.Decrement(ref _pending);
            return null;
        }

        return new Place(this);
    }

    private sealed class Place(PendingQuestionLimit owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref owner._pending);
            }
        }
    }
}
