export { NetArena, HOST_DOORBELL, MAX_DOORBELLS, STREAM_CAPACITY } from './NetArena';
export { StreamEnd, ListenerQueue, NetError, WOULD_BLOCK, freeSlot, slotKind, type Endpoint, type NetErrorCode } from './Stream';
export { SocketStack, Socket, type SocketEnvironment, type SocketFamily, type SocketType } from './SocketStack';
export { NetControlClient, answer, type NetRequest, type NetNotice, type NetMessage, type NetReplyValue, type NetPort } from './control';
export { formatIpv4, parseIpv4, isLoopback, ipv4Bytes, ipv4FromBytes, LOOPBACK, ANY } from './address';
