// The API records moved to Edge.Common.Api (shared with edgectl).
global using Edge.Common.Api;
