namespace IotHubJobs.Certificates;

/// <summary>An exclusive lock file, so two processes starting together (gateway, device gateway) do not both create certificates.</summary>
internal static class FolderLock
{
    public static IDisposable Acquire(string path)
    {
        // Generous: the other process holds it while it makes RSA keys, which takes long on a machine busy with other work.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                // Empty, but it lives among private keys: nobody else needs to open it.
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                return new FileStream(path, options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
