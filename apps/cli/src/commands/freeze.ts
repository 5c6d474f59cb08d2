import { freezeCommand } from '../freeze-command.js';

export default freezeCommand(true);
