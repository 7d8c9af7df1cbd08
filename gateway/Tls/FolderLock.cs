namespace Gateway.Tls;

/// <summary>An exclusive lock file, so two gateways starting together do not both create certificates.</summary>
internal static class FolderLock
{
    public static IDisposable Acquire(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
