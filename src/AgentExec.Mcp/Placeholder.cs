namespace AgentExec.Mcp;
