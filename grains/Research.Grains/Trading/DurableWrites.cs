namespace Research.Grains.Trading;

/// <summary>How the trading grains write their state.</summary>
internal static class DurableWrites
{
    /// <summary>
    /// Writes the state; when the write fails the activation is dropped, so the next call reads what storage holds
    /// instead of a memory that storage never saw (a trip, a reset, an order or a run that did not persist is not acted
    /// on); the caller gets the error and retries.
    /// </summary>
    public static async Task WriteOrDropAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync().ConfigureAwait(true);
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
