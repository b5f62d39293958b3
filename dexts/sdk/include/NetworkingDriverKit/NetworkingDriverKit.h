#ifndef _DEXTLAB_NETWORKINGDRIVERKIT_NETWORKINGDRIVERKIT_H
#define _DEXTLAB_NETWORKINGDRIVERKIT_NETWORKINGDRIVERKIT_H
// NetworkingDriverKit's umbrella header. Apple's also includes the family classes
// (IOUserNetworkEthernet, IOUserNetworkPacket, IOUserNetworkPacketBufferPool, the Tx/Rx
// submission and completion queues). The lab does not implement them yet, so this umbrella
// includes only what exists: DriverKit itself and the family's types and constants. A dext that
// subclasses IOUserNetworkEthernet fails to compile with an error naming the class.

#include <DriverKit/DriverKit.h>
#include <NetworkingDriverKit/IOUserNetworkTypes.h>

#endif
