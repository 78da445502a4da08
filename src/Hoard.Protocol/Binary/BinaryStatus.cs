namespace Hoard.Protocol.Binary;

/// <summary>Response status codes of memcached's binary protocol.</summary>
public enum BinaryStatus : ushort
{
    Success = 0x00,
    KeyNotFound = 0x01,
    KeyExists = 0x02,
    ValueTooLarge = 0x03,
    InvalidArguments = 0x04,
    ItemNotStored = 0x05,
    NonNumericValue = 0x06,
    AuthenticationError = 0x20,
    AuthenticationContinue = 0x21,
    UnknownCommand = 0x81,
    OutOfMemory = 0x82,
}
